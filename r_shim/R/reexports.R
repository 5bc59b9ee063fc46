#' Pipe operator (re-exported from magrittr, as R torch does)
#' @importFrom magrittr %>%
#' @export
magrittr::`%>%`

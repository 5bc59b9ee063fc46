# Distributions are Python R6-style objects (class c("torch_Normal", "torch_Distribution", "R6", "py_object")):
# `$`, `$<-` and print are py_object's methods. R torch's constraint objects and classes (constraint_real,
# constraint_less_than, ...) are values, not functions: each is an active binding of the namespace that asks
# Python for the object when read (Python starts on demand, never at load; R keeps no pointer to it).

.rt_bind_constraints <- function(ns) {
  for (name in .rt_exported_values) {
    local({
      nm <- name
      makeActiveBinding(nm, function() .Call(C_rt_call1, "r_exported_value", nm), ns)
    })
  }
  invisible()
}

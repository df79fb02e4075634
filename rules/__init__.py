# Rule docs, examples and data, installed as the package `slimmer.catalog`.

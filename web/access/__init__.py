"""The access log for managers and administrators: who viewed or exported which family's
file, when and from where."""

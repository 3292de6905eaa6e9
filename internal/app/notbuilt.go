package app

import "errors"

// errNotBuilt marks a use case whose body is still being written.
var errNotBuilt = errors.New("app: not built yet")

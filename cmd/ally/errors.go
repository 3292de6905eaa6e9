package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// cliError words an application error for the command line: every bad
// field named as the flag that set it, on one line.
func cliError(doing string, err error) error {
	var e *ally.Error
	if !errors.As(err, &e) {
		return fmt.Errorf("%s: %w", doing, err)
	}
	if len(e.Fields) == 0 {
		return fmt.Errorf("%s: %s", doing, e.Message)
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = "--" + f.Field + " " + f.Message
	}
	return fmt.Errorf("%s: %s", doing, strings.Join(parts, "; "))
}

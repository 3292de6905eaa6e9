package httperr_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/httperr"
)

func TestStatus(t *testing.T) {
	for code, want := range map[string]int{
		ally.ECodeBadRequest:   http.StatusBadRequest,
		ally.ECodeUnauthorized: http.StatusUnauthorized,
		ally.ECodeForbidden:    http.StatusForbidden,
		ally.ECodeNotFound:     http.StatusNotFound,
		ally.ECodeConflict:     http.StatusConflict,
		ally.ECodePrecondition: http.StatusPreconditionFailed,
		ally.ECodeInvalid:      http.StatusUnprocessableEntity,
		ally.ECodeRateLimited:  http.StatusTooManyRequests,
		ally.ECodeInternal:     http.StatusInternalServerError,
		"no such code":         http.StatusInternalServerError,
	} {
		if got := httperr.StatusOf(code); got != want {
			t.Errorf("StatusOf(%q) = %d, want %d", code, got, want)
		}
	}
	if got := httperr.Status(errors.New("plain")); got != http.StatusInternalServerError {
		t.Errorf("Status(plain error) = %d, want 500", got)
	}
}

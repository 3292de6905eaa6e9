// Package httperr maps ally's error codes to HTTP statuses. It is the one
// place that does, for the API and the web pages alike; ally itself stays
// free of net/http.
package httperr

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// StatusOf is the HTTP status of an ally error code; an unknown code is an
// internal error (500).
func StatusOf(code string) int {
	switch code {
	case ally.ECodeBadRequest:
		return http.StatusBadRequest
	case ally.ECodeUnauthorized:
		return http.StatusUnauthorized
	case ally.ECodeForbidden:
		return http.StatusForbidden
	case ally.ECodeNotFound:
		return http.StatusNotFound
	case ally.ECodeConflict:
		return http.StatusConflict
	case ally.ECodePrecondition:
		return http.StatusPreconditionFailed
	case ally.ECodeInvalid:
		return http.StatusUnprocessableEntity
	case ally.ECodeRateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// Status is the HTTP status of err, by its ally error code.
func Status(err error) int { return StatusOf(ally.ErrorCode(err)) }

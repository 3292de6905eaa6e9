package ally

import (
	"errors"
	"fmt"
)

// Error codes. One place (the API and web renderers) maps them to HTTP status.
const (
	ECodeBadRequest   = "bad_request"         // malformed input: 400
	ECodeUnauthorized = "unauthorized"        // no or bad credentials: 401
	ECodeForbidden    = "forbidden"           // authenticated but not allowed: 403
	ECodeNotFound     = "not_found"           // 404, also for things the actor may not see
	ECodeConflict     = "conflict"            // 409
	ECodePrecondition = "precondition_failed" // stale If-Match: 412
	ECodeInvalid      = "validation_failed"   // 422, with Fields
	ECodeRateLimited  = "rate_limited"        // 429
	ECodeInternal     = "internal"            // 500, message never shows the cause
)

// FieldError names one bad field and says what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the one error type the application returns to its front doors.
// Message is safe to show to the caller.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (%s: %s)", e.Code, e.Message, e.Fields[0].Field, e.Fields[0].Message)
	}
	return e.Code + ": " + e.Message
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrNotFound is what stores return when a row does not exist.
var ErrNotFound = &Error{Code: ECodeNotFound, Message: "not found"}

// ErrVersionMismatch is what stores return when a conditional write lost.
var ErrVersionMismatch = &Error{Code: ECodePrecondition, Message: "the resource was changed by someone else; fetch it again"}

// ErrorCode returns the code of err, or ECodeInternal for errors that are not *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ECodeInternal
}

// IsNotFound reports whether err means the thing does not exist (or is hidden).
func IsNotFound(err error) bool { return ErrorCode(err) == ECodeNotFound }

// Validator collects field errors so a request can report every bad field at once.
type Validator struct {
	fields []FieldError
}

// Add records a problem with field.
func (v *Validator) Add(field, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Check records message for field when ok is false.
func (v *Validator) Check(ok bool, field, message string) {
	if !ok {
		v.Add(field, "%s", message)
	}
}

// Err returns nil when nothing was added, else an ECodeInvalid *Error.
func (v *Validator) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: ECodeInvalid, Message: "some fields are not valid", Fields: v.fields}
}

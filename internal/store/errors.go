package store

import (
	"errors"
	"strings"

	"github.com/allyprm/ally/internal/ally"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// SQLite extended result codes and PostgreSQL SQLSTATEs for constraint failures.
const (
	sqliteUnique     = 2067 // SQLITE_CONSTRAINT_UNIQUE
	sqlitePrimaryKey = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
	sqliteForeignKey = 787  // SQLITE_CONSTRAINT_FOREIGNKEY
	pgUnique         = "23505"
	pgForeignKey     = "23503"
)

// unique names one unique index and the conflict it means. SQLite reports
// the columns ("partners.domain"), PostgreSQL the index name, so each rule
// carries both.
type unique struct {
	columns string // as SQLite names them: table.column
	index   string // as PostgreSQL names it: the index name
	err     *ally.Error
}

// Conflicts the callers can act on; their messages are safe to show.
var (
	errDomainTaken = &ally.Error{Code: ally.ECodeConflict, Message: "a partner with this domain already exists"}
	errExtIDTaken  = &ally.Error{Code: ally.ECodeConflict, Message: "a partner with this externalId already exists"}
	errEmailTaken  = &ally.Error{Code: ally.ECodeConflict, Message: "a user with this e-mail already exists"}
	errExists      = &ally.Error{Code: ally.ECodeConflict, Message: "a record with this id already exists"}
	errBadRef      = &ally.Error{Code: ally.ECodeInvalid, Message: "a referenced tier, phase, user or experience template does not exist"}

	errPortalEmailTaken = &ally.Error{Code: ally.ECodeConflict, Message: "another contact with this e-mail address already has portal access"}
	errPropertyKeyTaken = &ally.Error{Code: ally.ECodeConflict, Message: "a property with this key already exists"}
	errNoPartner        = &ally.Error{Code: ally.ECodeInvalid, Message: "the partner does not exist"}
	errNoUserOrPartner  = &ally.Error{Code: ally.ECodeInvalid, Message: "the user or the partner does not exist"}

	partnerUniques = []unique{
		{"partners.domain", "ux_partners_domain", errDomainTaken},
		{"partners.external_id", "ux_partners_external_id", errExtIDTaken},
	}
	userUniques     = []unique{{"users.email", "ux_users_email", errEmailTaken}}
	contactUniques  = []unique{{"contacts.email", "ux_contacts_portal_email", errPortalEmailTaken}}
	propertyUniques = []unique{{"property_definitions.key", "ux_property_definitions_key", errPropertyKeyTaken}}
)

// constraintError turns a unique or foreign-key violation into the
// *ally.Error it means, and returns any other error (or nil) unchanged.
// A unique violation that no rule names (the primary key) is a plain conflict.
func constraintError(err error, rules []unique) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqliteUnique:
			for _, r := range rules {
				if strings.Contains(se.Error(), "failed: "+r.columns) {
					return r.err
				}
			}
			return errExists
		case sqlitePrimaryKey:
			return errExists
		case sqliteForeignKey:
			return errBadRef
		}
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case pgUnique:
			for _, r := range rules {
				if pe.ConstraintName == r.index {
					return r.err
				}
			}
			return errExists
		case pgForeignKey:
			return errBadRef
		}
	}
	return err
}

// badRef replaces the generic foreign-key error with one that names what
// this write refers to; other errors pass unchanged.
func badRef(err error, named *ally.Error) error {
	if err == errBadRef {
		return named
	}
	return err
}

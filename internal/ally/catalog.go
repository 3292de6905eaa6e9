package ally

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Tier is a partner level (e.g. Silver, Gold) with the price per delivered lead used for invoicing.
type Tier struct {
	ID                string
	Name              string
	Rank              int   // higher is better
	PricePerLeadCents int64 // in the vendor's currency, minor units
	CreatedAt         time.Time
	UpdatedAt         time.Time
	Version           int64
}

// TierFields are the writable fields of a tier; nil means not given.
type TierFields struct {
	Name              *string
	Rank              *int
	PricePerLeadCents *int64
}

// Validate checks the given fields; creating requires a name.
func (f *TierFields) Validate(creating bool) error {
	var v Validator
	validateCatalogName(&v, f.Name, creating)
	if f.Rank != nil {
		v.Check(*f.Rank >= 0 && *f.Rank <= 1000, "rank", "must be 0 to 1000")
	}
	if f.PricePerLeadCents != nil {
		v.Check(*f.PricePerLeadCents >= 0 && *f.PricePerLeadCents <= 100_000_000, "pricePerLeadCents", "must be 0 to 100000000")
	}
	return v.Err()
}

// Phase is a lifecycle phase (recruit, onboard, enable, grow …), shown in Position order.
type Phase struct {
	ID        string
	Name      string
	Position  int
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// PhaseFields are the writable fields of a phase; nil means not given.
type PhaseFields struct {
	Name     *string
	Position *int
}

// Validate checks the given fields; creating requires a name.
func (f *PhaseFields) Validate(creating bool) error {
	var v Validator
	validateCatalogName(&v, f.Name, creating)
	if f.Position != nil {
		v.Check(*f.Position >= 0 && *f.Position <= 1000, "position", "must be 0 to 1000")
	}
	return v.Err()
}

// ExperienceTemplate says which portal sections a partner sees. Later
// releases give it sections; for now it has a name.
type ExperienceTemplate struct {
	ID        string
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// ExperienceTemplateFields are the writable fields of a template; nil means not given.
type ExperienceTemplateFields struct {
	Name *string
}

// Validate checks the given fields; creating requires a name.
func (f *ExperienceTemplateFields) Validate(creating bool) error {
	var v Validator
	validateCatalogName(&v, f.Name, creating)
	return v.Err()
}

func validateCatalogName(v *Validator, name *string, creating bool) {
	if name == nil {
		v.Check(!creating, "name", "is required")
		return
	}
	*name = strings.TrimSpace(*name)
	n := utf8.RuneCountInString(*name)
	v.Check(n >= 1 && n <= 100 && PlainText(*name), "name", "must be 1 to 100 characters of text")
}

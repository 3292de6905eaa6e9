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

// ExperienceTemplate says which portal sections a partner sees and, for the
// Partner Profile, which properties show, in order, and which are editable.
type ExperienceTemplate struct {
	ID        string
	Name      string
	Sections  Sections
	Profile   []ProfileField
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// ExperienceTemplateFields are the writable fields of a template; nil means not given.
type ExperienceTemplateFields struct {
	Name     *string
	Sections *Sections
	Profile  *[]ProfileField
}

// Validate checks the given fields; creating requires a name. Whether a
// profile key names an existing property is checked where definitions are at hand.
func (f *ExperienceTemplateFields) Validate(creating bool) error {
	var v Validator
	validateCatalogName(&v, f.Name, creating)
	if f.Profile != nil {
		seen := map[string]bool{}
		for _, pf := range *f.Profile {
			switch {
			case seen[pf.Key]:
				v.Add("profile", "property %q is listed twice", truncate(pf.Key, 40))
			case pf.Editable && isCoreKey(pf.Key) && !PartnerEditableCore(pf.Key):
				v.Add("profile", "%s is read-only for partners", pf.Key)
			}
			seen[pf.Key] = true
		}
		v.Check(len(*f.Profile) <= 200, "profile", "must list at most 200 properties")
	}
	return v.Err()
}

func isCoreKey(key string) bool {
	for _, p := range CoreProperties {
		if p.Key == key {
			return true
		}
	}
	return false
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

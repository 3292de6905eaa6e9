package ally

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// PropertyType is the kind of value a property holds, which decides its form field.
type PropertyType string

// Property types.
const (
	TypeText        PropertyType = "text"
	TypeLongText    PropertyType = "long_text"
	TypeURL         PropertyType = "url"
	TypeEmail       PropertyType = "email"
	TypePhone       PropertyType = "phone"
	TypeNumber      PropertyType = "number"
	TypeSelect      PropertyType = "select"
	TypeMultiSelect PropertyType = "multi_select"
	TypeDate        PropertyType = "date"
	TypeBoolean     PropertyType = "boolean"
	TypeImage       PropertyType = "image"
)

// PropertyTypes lists the valid types.
var PropertyTypes = []PropertyType{TypeText, TypeLongText, TypeURL, TypeEmail, TypePhone, TypeNumber,
	TypeSelect, TypeMultiSelect, TypeDate, TypeBoolean, TypeImage}

// PropertySource says where a property's value lives.
type PropertySource string

// Property sources: core fields of the partner, the CRM's properties
// (Partner.PartnerCRMProperties) or Ally's own (Partner.CustomProperties).
const (
	SourceCore   PropertySource = "core"
	SourceCRM    PropertySource = "crm"
	SourceCustom PropertySource = "custom"
)

// PropertyDefinition describes a CRM or custom property staff can show in
// the Partner Profile. Core properties are built in (CoreProperties).
type PropertyDefinition struct {
	ID        string
	Key       string // the key in the partner's property map
	Label     string
	Type      PropertyType
	Options   []string // select and multi-select
	Source    PropertySource
	CRMField  string // the CRM field it maps to, for sync
	Position  int
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// Core property keys: partner fields the profile can show.
const (
	CoreName        = "name"
	CoreWebsite     = "website"
	CoreLogo        = "logo"
	CoreTier        = "tier"
	CoreManager     = "manager"
	CoreChampion    = "champion"
	CorePhone       = "phone"
	CoreDescription = "description"
)

// CoreProperties are the built-in properties. Tier, manager and champion are
// never editable by a partner, whatever a template says.
var CoreProperties = []PropertyDefinition{
	{Key: CoreName, Label: "Company name", Type: TypeText, Source: SourceCore},
	{Key: CoreWebsite, Label: "Website", Type: TypeURL, Source: SourceCore},
	{Key: CoreLogo, Label: "Logo", Type: TypeImage, Source: SourceCore},
	{Key: CoreTier, Label: "Partner tier", Type: TypeText, Source: SourceCore},
	{Key: CoreManager, Label: "Partner manager", Type: TypeText, Source: SourceCore},
	{Key: CoreChampion, Label: "Partner champion", Type: TypeText, Source: SourceCore},
	{Key: CorePhone, Label: "Phone", Type: TypePhone, Source: SourceCore},
	{Key: CoreDescription, Label: "Description", Type: TypeLongText, Source: SourceCore},
}

// PartnerEditableCore reports whether a partner may ever edit a core property.
func PartnerEditableCore(key string) bool {
	switch key {
	case CoreName, CoreWebsite, CoreLogo, CorePhone, CoreDescription:
		return true
	}
	return false
}

var propertyKeyPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,62}$`)

// PropertyFields are the writable fields of a property definition.
type PropertyFields struct {
	Key      *string
	Label    *string
	Type     *PropertyType
	Options  *[]string
	Source   *PropertySource
	CRMField *string
	Position *int
}

// Validate checks the given fields; creating requires key, label, type and source.
func (f *PropertyFields) Validate(creating bool) error {
	var v Validator
	if f.Key == nil {
		v.Check(!creating, "key", "is required")
	} else {
		*f.Key = strings.TrimSpace(*f.Key)
		isCore := slices.ContainsFunc(CoreProperties, func(p PropertyDefinition) bool { return p.Key == *f.Key })
		v.Check(propertyKeyPattern.MatchString(*f.Key) && !isCore, "key", "must be letters, digits and _ (starting with a letter), and not a core property")
	}
	if f.Label == nil {
		v.Check(!creating, "label", "is required")
	} else {
		*f.Label = strings.TrimSpace(*f.Label)
		n := utf8.RuneCountInString(*f.Label)
		v.Check(n >= 1 && n <= 100 && PlainText(*f.Label), "label", "must be 1 to 100 characters of text")
	}
	if f.Type == nil {
		v.Check(!creating, "type", "is required")
	} else {
		v.Check(slices.Contains(PropertyTypes, *f.Type), "type", "is not a known property type")
	}
	if f.Source == nil {
		v.Check(!creating, "source", "is required")
	} else {
		v.Check(*f.Source == SourceCRM || *f.Source == SourceCustom, "source", "must be crm or custom")
	}
	if f.Options != nil {
		ok := len(*f.Options) <= 100
		for _, o := range *f.Options {
			ok = ok && utf8.RuneCountInString(o) >= 1 && utf8.RuneCountInString(o) <= 100 && PlainText(o)
		}
		v.Check(ok, "options", "must be at most 100 options of 1 to 100 characters")
	}
	if f.CRMField != nil {
		v.Check(len(*f.CRMField) <= 200 && PlainText(*f.CRMField), "crmField", "must be at most 200 characters")
	}
	if f.Position != nil {
		v.Check(*f.Position >= 0 && *f.Position <= 10000, "position", "must be 0 to 10000")
	}
	return v.Err()
}

// Sections says which portal sections an experience template turns on.
type Sections struct {
	Dashboard        bool
	Profile          bool
	Leads            bool
	LeadExport       bool
	Deals            bool
	Invoices         bool
	DeliverySettings bool
}

// ProfileField is one property shown in the Partner Profile section, in order.
type ProfileField struct {
	Key      string // a core key or a property definition's key
	Editable bool   // the partner may change it (never for tier, manager, champion)
}

package ally

import (
	"strconv"
	"strings"
	"time"
)

// PartnerStatus is where a partner is in its lifecycle.
type PartnerStatus string

// Partner statuses. Archived is reached only through archive and left through restore.
const (
	StatusOnboarding PartnerStatus = "onboarding"
	StatusActive     PartnerStatus = "active"
	StatusDormant    PartnerStatus = "dormant"
	StatusArchived   PartnerStatus = "archived"
)

// Valid reports whether s is a known status.
func (s PartnerStatus) Valid() bool {
	switch s {
	case StatusOnboarding, StatusActive, StatusDormant, StatusArchived:
		return true
	}
	return false
}

// PortalAccess says who from a partner may use its portal.
type PortalAccess string

// Portal access modes (Introw's names).
const (
	AccessRestrictedUsers   PortalAccess = "RESTRICTED_USERS"   // invited users only
	AccessRestrictedDomains PortalAccess = "RESTRICTED_DOMAINS" // anyone with a verified e-mail at the partner's domain
)

// Valid reports whether p is a known mode.
func (p PortalAccess) Valid() bool {
	return p == AccessRestrictedUsers || p == AccessRestrictedDomains
}

// UserRef is the short form of a staff user shown on a partner.
type UserRef struct {
	ID    string
	Email string
	Name  string
}

// Partner is a partner organization.
type Partner struct {
	ID          string
	Name        string
	Domain      string // "" when unknown
	Website     string
	LogoURL     string
	Phone       string
	Description string
	Status      PartnerStatus
	// ArchivedFrom is the status to return to on restore.
	ArchivedFrom PartnerStatus

	TierID               string
	PhaseID              string
	OwnerID              string
	ManagerID            string
	ChampionContactID    string
	PrimaryContactID     string
	ExperienceTemplateID string
	PortalAccess         PortalAccess

	Categories        []string
	ExternalID        string
	ExternalIDType    string
	ExternalCompanyID string

	PartnerCRMProperties map[string]any // properties of the CRM's partner object
	CompanyCRMProperties map[string]any // properties of the CRM's company object
	CustomProperties     map[string]any // Ally-only properties

	LastActivityAt time.Time // zero when there was none
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Version        int64

	// Owner and Manager are filled by reads for display; writes use the ids.
	Owner   *UserRef
	Manager *UserRef
}

// CRMProperties merges the company and partner-object CRM properties, the
// partner object winning, as Introw's crmProperties does.
func (p *Partner) CRMProperties() map[string]any {
	m := make(map[string]any, len(p.CompanyCRMProperties)+len(p.PartnerCRMProperties))
	for k, v := range p.CompanyCRMProperties {
		m[k] = v
	}
	for k, v := range p.PartnerCRMProperties {
		m[k] = v
	}
	return m
}

// PartnerFields holds the writable fields of a partner; a nil pointer means
// "not given, leave as is". Create requires Name; update applies what is set.
type PartnerFields struct {
	Name        *string
	Domain      *string // "" clears
	Website     *string
	LogoURL     *string
	Phone       *string
	Description *string
	Status      *PartnerStatus

	TierID               *string // "" clears
	PhaseID              *string
	OwnerID              *string
	ManagerID            *string
	ChampionContactID    *string
	PrimaryContactID     *string
	ExperienceTemplateID *string
	PortalAccess         *PortalAccess

	Categories        *[]string
	ExternalID        *string
	ExternalIDType    *string
	ExternalCompanyID *string

	PartnerCRMProperties *map[string]any
	CompanyCRMProperties *map[string]any
	CustomProperties     *map[string]any
}

// PartnerFilter selects partners for a list. Empty fields do not filter.
type PartnerFilter struct {
	Status   PartnerStatus
	TierID   string
	PhaseID  string
	Category string
	OwnerID  string
	Query    string // case-insensitive substring of name or domain
	// VisibleTo limits the list to partners a restricted staff user owns,
	// manages or was granted.
	VisibleTo string
	// InactiveBefore keeps partners, not archived, whose last activity
	// (portal sign-in or timeline entry) is before this time or never
	// happened: "going quiet".
	InactiveBefore time.Time
	Sort           string // SortCreated (default), SortName or SortUpdated
	After          string // keyset cursor from PartnerCursor of the previous page's last row
	Limit          int
}

// Partner list orders.
const (
	SortCreated = ""         // oldest first (id order)
	SortName    = "name"     // by name, case-insensitive
	SortUpdated = "-updated" // most recently updated first
)

// PartnerCursor is the keyset cursor after p in the given order. The store
// reads it back with SplitPartnerCursor.
func PartnerCursor(p *Partner, sort string) string {
	switch sort {
	case SortName:
		return strings.ToLower(p.Name) + "\x00" + p.ID
	case SortUpdated:
		return strconv.FormatInt(p.UpdatedAt.UnixMilli(), 10) + "\x00" + p.ID
	}
	return p.ID
}

// SplitPartnerCursor returns the sort key and id of a cursor made by PartnerCursor.
func SplitPartnerCursor(cursor string) (key, id string) {
	if k, i, ok := strings.Cut(cursor, "\x00"); ok {
		return k, i
	}
	return "", cursor
}

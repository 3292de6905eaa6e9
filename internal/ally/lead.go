package ally

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Id prefixes of the lead distribution half.
const (
	PrefixLead         = "lead_"
	PrefixRule         = "rule_"
	PrefixDelivery     = "dlv_"
	PrefixAttempt      = "att_"
	PrefixImport       = "imp_"
	PrefixSubscription = "sub_"
)

// LeadStatus is where a lead stands with the partner that received it.
type LeadStatus string

// Lead statuses (DESIGN.md). New is set on intake; the partner moves it on.
const (
	LeadNew       LeadStatus = "new"
	LeadAccepted  LeadStatus = "accepted"
	LeadContacted LeadStatus = "contacted"
	LeadQualified LeadStatus = "qualified"
	LeadWon       LeadStatus = "won"
	LeadLost      LeadStatus = "lost"
	LeadRejected  LeadStatus = "rejected"
)

// LeadStatuses lists every status in workflow order.
var LeadStatuses = []LeadStatus{LeadNew, LeadAccepted, LeadContacted, LeadQualified, LeadWon, LeadLost, LeadRejected}

// Valid reports whether s is a known status.
func (s LeadStatus) Valid() bool { return slices.Contains(LeadStatuses, s) }

// NeedsReason reports whether moving to s must say why (lost, rejected).
func (s LeadStatus) NeedsReason() bool { return s == LeadLost || s == LeadRejected }

// Lead is a prospective customer the vendor hands to a partner.
type Lead struct {
	ID            string
	ExternalID    string // the sender's own id, "" when none
	FirstName     string
	LastName      string
	Email         string
	Phone         string
	Title         string
	Company       string
	CompanyDomain string
	Country       string // ISO 3166-1 alpha-2, upper case; "" when unknown
	Region        string // state, province or sales region, free text
	Source        string // where the lead came from: web, event, referral, …
	Message       string // what the lead asked for
	Custom        map[string]any

	PartnerID    string // "" while unassigned
	Status       LeadStatus
	StatusReason string
	Routing      *RoutingDecision // how the lead came to its partner; nil before routing
	ImportID     string           // the bulk import it came in, if any

	ReceivedAt time.Time
	AssignedAt time.Time // zero while unassigned
	UpdatedAt  time.Time
	Version    int64

	PartnerName string // filled by reads for display
}

// Name is the lead's full name, or its e-mail when it has no name.
func (l *Lead) Name() string {
	n := strings.TrimSpace(l.FirstName + " " + l.LastName)
	if n == "" {
		return l.Email
	}
	return n
}

// LeadInput is a lead as it arrives at intake (API, import row, admin form).
type LeadInput struct {
	ExternalID    string         `json:"externalId"`
	FirstName     string         `json:"firstName"`
	LastName      string         `json:"lastName"`
	Email         string         `json:"email"`
	Phone         string         `json:"phone"`
	Title         string         `json:"title"`
	Company       string         `json:"company"`
	CompanyDomain string         `json:"companyDomain"`
	Country       string         `json:"country"`
	Region        string         `json:"region"`
	Source        string         `json:"source"`
	Message       string         `json:"message"`
	Custom        map[string]any `json:"custom"`
	// PartnerID assigns the lead directly, skipping the routing rules.
	PartnerID string `json:"partnerId"`
}

// LeadColumns are the known fields of an import row, by CSV header or
// NDJSON member name; any other column becomes a custom field.
var LeadColumns = []string{"externalId", "firstName", "lastName", "email", "phone", "title",
	"company", "companyDomain", "country", "region", "source", "message", "partnerId"}

// SetColumn sets the known field named name (one of LeadColumns) and
// reports whether it knew the name.
func (in *LeadInput) SetColumn(name, value string) bool {
	var dst *string
	switch name {
	case "externalId":
		dst = &in.ExternalID
	case "firstName":
		dst = &in.FirstName
	case "lastName":
		dst = &in.LastName
	case "email":
		dst = &in.Email
	case "phone":
		dst = &in.Phone
	case "title":
		dst = &in.Title
	case "company":
		dst = &in.Company
	case "companyDomain":
		dst = &in.CompanyDomain
	case "country":
		dst = &in.Country
	case "region":
		dst = &in.Region
	case "source":
		dst = &in.Source
	case "message":
		dst = &in.Message
	case "partnerId":
		dst = &in.PartnerID
	default:
		return false
	}
	*dst = value
	return true
}

// Lead field limits.
const (
	MaxLeadText    = 200
	MaxLeadMessage = 5000
)

// Normalize trims text, lowercases the e-mail and domain and upper-cases the country.
func (in *LeadInput) Normalize() {
	for _, s := range []*string{&in.ExternalID, &in.FirstName, &in.LastName, &in.Phone, &in.Title,
		&in.Company, &in.Region, &in.Source, &in.Message, &in.PartnerID} {
		*s = strings.TrimSpace(*s)
	}
	in.Email = NormalizeEmail(in.Email)
	in.CompanyDomain = NormalizeDomain(in.CompanyDomain)
	in.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	in.Source = strings.ToLower(in.Source)
}

// Validate checks a normalized input: a lead needs an e-mail or a name and
// a company, so a partner can act on it.
func (in *LeadInput) Validate() error {
	var v Validator
	v.Check(in.Email != "" || (in.FirstName+in.LastName != "" && in.Company != ""), "email",
		"is required (or a name and a company)")
	if in.Email != "" {
		v.Check(ValidEmail(in.Email), "email", "must be a valid e-mail address")
	}
	short := map[string]string{"externalId": in.ExternalID, "firstName": in.FirstName, "lastName": in.LastName,
		"title": in.Title, "company": in.Company, "region": in.Region, "source": in.Source}
	for _, field := range []string{"externalId", "firstName", "lastName", "title", "company", "region", "source"} {
		s := short[field]
		v.Check(utf8.RuneCountInString(s) <= MaxLeadText && PlainText(s), field, "must be at most 200 characters of text")
	}
	if in.Phone != "" {
		v.Check(len(in.Phone) <= MaxPhoneLen && phoneChars.MatchString(in.Phone), "phone", "must be at most 50 characters of digits, spaces and + ( ) - . /")
	}
	if in.CompanyDomain != "" {
		v.Check(validDomain(in.CompanyDomain), "companyDomain", "must be a domain name like example.com")
	}
	if in.Country != "" {
		v.Check(len(in.Country) == 2 && in.Country[0] >= 'A' && in.Country[0] <= 'Z' && in.Country[1] >= 'A' && in.Country[1] <= 'Z',
			"country", "must be a two-letter ISO 3166 country code")
	}
	v.Check(utf8.RuneCountInString(in.Message) <= MaxLeadMessage && PlainText(in.Message), "message", "must be at most 5,000 characters of text")
	if in.PartnerID != "" {
		v.Check(HasPrefix(in.PartnerID, PrefixPartner), "partnerId", "must be a partner id (ptn_…)")
	}
	validateProperties(&v, "custom", &in.Custom)
	return v.Err()
}

// NewLead makes an unassigned lead from a validated input, received at now.
func NewLead(in *LeadInput, now time.Time) *Lead {
	custom := in.Custom
	if custom == nil {
		custom = map[string]any{}
	}
	return &Lead{
		ID: NewID(PrefixLead), ExternalID: in.ExternalID, FirstName: in.FirstName, LastName: in.LastName,
		Email: in.Email, Phone: in.Phone, Title: in.Title, Company: in.Company, CompanyDomain: in.CompanyDomain,
		Country: in.Country, Region: in.Region, Source: in.Source, Message: in.Message, Custom: custom,
		Status: LeadNew, ReceivedAt: now, UpdatedAt: now, Version: 1,
	}
}

// LeadSort orders a lead list.
type LeadSort string

// Lead sorts: newest first (default), oldest first, company A–Z.
const (
	LeadSortNewest  LeadSort = ""
	LeadSortOldest  LeadSort = "oldest"
	LeadSortCompany LeadSort = "company"
)

// Valid reports whether s is a known sort.
func (s LeadSort) Valid() bool {
	return s == LeadSortNewest || s == LeadSortOldest || s == LeadSortCompany
}

// LeadFilter selects leads. Pages are keyset: After is the previous page's
// cursor (the last lead's id, or for the company sort LeadCursor's value).
type LeadFilter struct {
	PartnerID  string // one partner's leads
	Unassigned bool   // only leads no partner has
	VisibleTo  string // staff user id: only leads of partners this user may see
	Status     LeadStatus
	Source     string
	Query      string // matches name, e-mail or company, case-insensitive
	From, To   time.Time
	Sort       LeadSort
	After      string
	Limit      int // 0 means no limit (streams)
}

// LeadCursor is the keyset cursor after l for sort s.
func LeadCursor(l *Lead, s LeadSort) string {
	if s == LeadSortCompany {
		return strings.ToLower(l.Company) + "\x1f" + l.ID
	}
	return l.ID
}

// SplitLeadCursor undoes LeadCursor for the company sort: the lowercased
// company and the id.
func SplitLeadCursor(c string) (company, id string) {
	company, id, ok := strings.Cut(c, "\x1f")
	if !ok {
		return "", c
	}
	return company, id
}

// LeadStats are the counts on a partner's dashboard.
type LeadStats struct {
	Total     int
	ThisMonth int
	Open      int // new, accepted, contacted or qualified
}

// LeadStatusUpdate is a status change with its reason.
type LeadStatusUpdate struct {
	Status LeadStatus
	Reason string
}

// Validate checks the update: a known status, a reason for lost and rejected.
func (u *LeadStatusUpdate) Validate() error {
	var v Validator
	u.Reason = strings.TrimSpace(u.Reason)
	v.Check(u.Status.Valid(), "status", "must be one of new, accepted, contacted, qualified, won, lost, rejected")
	if u.Status.NeedsReason() {
		v.Check(u.Reason != "", "reason", "is required when a lead is lost or rejected")
	}
	v.Check(utf8.RuneCountInString(u.Reason) <= 1000 && PlainText(u.Reason), "reason", "must be at most 1,000 characters of text")
	return v.Err()
}

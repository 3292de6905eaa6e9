package ally

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// PrefixContact and the other prefixes of the portal's things.
const (
	PrefixContact      = "ctc_"
	PrefixSession      = "ses_"
	PrefixProperty     = "prop_"
	PrefixActivity     = "act_"
	PrefixNotification = "ntf_"
	PrefixJob          = "job_"
)

// ContactRole is what a contact does at the partner.
type ContactRole string

// Contact roles.
const (
	ContactSales            ContactRole = "sales"
	ContactTechnical        ContactRole = "technical"
	ContactExecutiveSponsor ContactRole = "executive_sponsor"
	ContactBilling          ContactRole = "billing"
	ContactChampion         ContactRole = "champion"
)

// ContactRoles lists the valid roles in display order.
var ContactRoles = []ContactRole{ContactSales, ContactTechnical, ContactExecutiveSponsor, ContactBilling, ContactChampion}

// PortalStatus is where a contact's portal access stands.
type PortalStatus string

// Portal access states: off (no access), invited (an invite is out), active
// (has signed in with a password), disabled (access taken away).
const (
	PortalOff      PortalStatus = "off"
	PortalInvited  PortalStatus = "invited"
	PortalActive   PortalStatus = "active"
	PortalDisabled PortalStatus = "disabled"
)

// Contact is a person at a partner. With portal access a contact is a
// partner user: the actor of the partner portal.
type Contact struct {
	ID        string
	PartnerID string
	Name      string
	Email     string // lowercase; unique among contacts with portal access
	Phone     string
	Title     string
	Roles     []ContactRole
	Primary   bool

	Portal             PortalStatus
	PasswordHash       string
	MustChangePassword bool // set by a temporary password
	Notifications      map[string]bool

	LastSignInAt time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Version      int64
}

// ContactFields are the writable fields of a contact; nil means not given.
type ContactFields struct {
	Name    *string
	Email   *string
	Phone   *string
	Title   *string
	Roles   *[]ContactRole
	Primary *bool
}

// Normalize trims text and lowercases the e-mail, in place.
func (f *ContactFields) Normalize() {
	for _, s := range []*string{f.Name, f.Phone, f.Title} {
		if s != nil {
			*s = strings.TrimSpace(*s)
		}
	}
	if f.Email != nil {
		*f.Email = NormalizeEmail(*f.Email)
	}
}

// Validate checks the given fields; creating requires a name and an e-mail.
func (f *ContactFields) Validate(creating bool) error {
	var v Validator
	if f.Name == nil {
		v.Check(!creating, "name", "is required")
	} else {
		n := utf8.RuneCountInString(*f.Name)
		v.Check(n >= 1 && n <= 200 && PlainText(*f.Name), "name", "must be 1 to 200 characters of text")
	}
	if f.Email == nil {
		v.Check(!creating, "email", "is required")
	} else {
		v.Check(ValidEmail(*f.Email), "email", "must be a valid e-mail address")
	}
	if f.Phone != nil {
		v.Check(len(*f.Phone) <= MaxPhoneLen && phoneChars.MatchString(*f.Phone), "phone", "must be at most 50 characters of digits, spaces and + ( ) - . /")
	}
	if f.Title != nil {
		v.Check(utf8.RuneCountInString(*f.Title) <= 200 && PlainText(*f.Title), "title", "must be at most 200 characters of text")
	}
	if f.Roles != nil {
		for _, r := range *f.Roles {
			if !slices.Contains(ContactRoles, r) {
				v.Add("roles", "unknown role %q", truncate(string(r), 40))
				break
			}
		}
	}
	return v.Err()
}

// ContactFilter selects the contacts of one partner, or all contacts with a given e-mail.
type ContactFilter struct {
	PartnerID string
	Email     string
	After     string
	Limit     int
}

// Notification kinds a person can turn e-mail on or off for.
const (
	NotifyPartnerUpdated = "partner_updated"
	NotifyLeadAssigned   = "lead_assigned"
	NotifyActivity       = "activity"
)

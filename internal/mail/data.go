package mail

import "fmt"

// InviteData fills an invitation of a partner contact to the portal.
type InviteData struct {
	PartnerName string // the partner organization the contact belongs to
	InviterName string // who sent the invite; "" leaves it out
	Message     string // an optional personal note from the inviter
	Link        string // absolute URL that accepts the invite
	ExpiresIn   string // e.g. "7 days"
}

// ResetData fills a password reset e-mail.
type ResetData struct {
	Name      string // the recipient's name; "" greets without one
	Link      string
	ExpiresIn string // e.g. "1 hour"
}

// SignupData fills the confirmation of a self sign-up (portal access by domain).
type SignupData struct {
	Link        string
	PartnerName string // the partner the address's domain belongs to; may be ""
}

// EmailChangeData fills the confirmation sent to a new e-mail address.
type EmailChangeData struct {
	Link     string
	NewEmail string
}

// PartnerUpdatedData tells a partner's owner what the partner changed on its profile.
type PartnerUpdatedData struct {
	PartnerName string
	ActorLabel  string // who changed it, e.g. "Jane Doe (Acme)"
	Changes     []ChangeLine
	Link        string // the partner's page in the admin UI
}

// ChangeLine is one changed field, before and after, as shown to people.
type ChangeLine struct {
	Field  string
	Before string
	After  string
}

// TestData fills the test e-mail an admin sends to check the settings.
type TestData struct{}

// checkData reports a data value of the wrong type for kind now, with the
// kind named, instead of as a template error about a missing field.
func checkData(kind string, data any) error {
	ok := false
	switch kind {
	case KindInvite:
		ok = is[InviteData](data)
	case KindReset:
		ok = is[ResetData](data)
	case KindSignupVerify:
		ok = is[SignupData](data)
	case KindEmailChange:
		ok = is[EmailChangeData](data)
	case KindPartnerUpdated:
		ok = is[PartnerUpdatedData](data)
	case KindTest:
		ok = data == nil || is[TestData](data)
	case KindLeadDelivery:
		ok = is[LeadDeliveryData](data)
	}
	if !ok {
		return fmt.Errorf("mail: %s e-mail needs its own data type, got %T", kind, data)
	}
	return nil
}

// is reports whether v is a T or a non-nil *T.
func is[T any](v any) bool {
	switch p := v.(type) {
	case T:
		return true
	case *T:
		return p != nil
	}
	return false
}

package ally

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Events a delivery carries. Partners receive lead.assigned on their own
// endpoint; the vendor subscribes URLs to any of them.
const (
	EventPartnerCreated    = "partner.created"
	EventPartnerUpdated    = "partner.updated"
	EventLeadCreated       = "lead.created"
	EventLeadAssigned      = "lead.assigned"
	EventLeadStatusChanged = "lead.status_changed"
)

// Events lists what a subscription may name.
var Events = []string{EventPartnerCreated, EventPartnerUpdated, EventLeadCreated, EventLeadAssigned, EventLeadStatusChanged}

// DeliveryChannel is how a delivery travels.
type DeliveryChannel string

// Channels.
const (
	ChannelWebhook DeliveryChannel = "webhook"
	ChannelEmail   DeliveryChannel = "email"
)

// DeliveryStatus is where a delivery stands.
type DeliveryStatus string

// Delivery statuses: pending (waiting for its first or next attempt),
// delivered, failed (gave up: out of time, or the endpoint was turned off).
const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliveryDelivered DeliveryStatus = "delivered"
	DeliveryFailed    DeliveryStatus = "failed"
)

// Delivery limits.
const (
	// DeliveryWindow is how long a webhook is retried after it was created.
	DeliveryWindow = 72 * time.Hour
	// MaxResponseExcerpt is how much of a receiver's answer an attempt keeps.
	MaxResponseExcerpt = 1024
	// JobDeliver is the job kind that makes one attempt at a delivery.
	JobDeliver = "delivery.send"
	// JobDispatch is the job kind that writes the deliveries (and their
	// delivery.send jobs) and timeline entries a new lead carries.
	JobDispatch = "delivery.dispatch"
	// JobImport is the job kind that processes an uploaded import.
	JobImport = "lead.import"
)

// Delivery is one event on its way to one receiver: a partner's webhook or
// e-mail recipients, or a vendor subscription. Its id is the webhook-id,
// the same on every attempt, so receivers can drop repeats.
type Delivery struct {
	ID             string
	Event          string
	Channel        DeliveryChannel
	PartnerID      string // the partner it is for (lead deliveries), "" for vendor events
	LeadID         string // "" for partner events
	SubscriptionID string // vendor subscriptions only
	Target         string // URL, or the e-mail recipients joined by ", " (as of creation)
	Payload        []byte // the JSON body, fixed at creation so every attempt sends the same
	Status         DeliveryStatus
	Attempts       int
	NextAttemptAt  time.Time // zero unless pending
	LastStatusCode int       // HTTP status of the last attempt, 0 if none or e-mail
	LastError      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	DeliveredAt    time.Time
}

// DeliveryAttempt is one try at a delivery, kept for staff and the partner.
type DeliveryAttempt struct {
	ID         string
	DeliveryID string
	At         time.Time
	Target     string // where this attempt went
	StatusCode int    // 0 when no HTTP answer (refused, timed out, e-mail)
	Response   string // excerpt of the answer, at most MaxResponseExcerpt bytes
	Error      string
	DurationMS int64
	OK         bool
}

// DeliveryFilter selects deliveries, newest first.
type DeliveryFilter struct {
	PartnerID      string
	LeadID         string
	SubscriptionID string
	Status         DeliveryStatus
	VisibleTo      string // staff user id: only deliveries of partners this user may see
	After          string // the previous page's last id
	Limit          int
}

// DeliverySettings are where a partner wants its leads.
type DeliverySettings struct {
	PartnerID     string
	WebhookURL    string
	WebhookSecret string // whsec_…; signs every webhook
	WebhookOn     bool
	// WebhookOffReason says why Ally turned the webhook off (410 Gone); ""
	// when it was a person.
	WebhookOffReason string
	EmailTo          []string
	EmailOn          bool
	UpdatedAt        time.Time
	Version          int64
}

// DeliverySettingsFields is an edit of the settings; nil leaves a field alone.
type DeliverySettingsFields struct {
	WebhookURL *string   `json:"webhookUrl"`
	WebhookOn  *bool     `json:"webhookEnabled"`
	EmailTo    *[]string `json:"emailRecipients"`
	EmailOn    *bool     `json:"emailEnabled"`
	// RotateSecret makes a new signing secret.
	RotateSecret bool `json:"rotateSecret"`
}

// MaxEmailRecipients bounds a partner's recipient list.
const MaxEmailRecipients = 20

// Normalize trims the URL and lowercases the e-mails, dropping blanks and repeats.
func (f *DeliverySettingsFields) Normalize() {
	if f.WebhookURL != nil {
		*f.WebhookURL = strings.TrimSpace(*f.WebhookURL)
	}
	if f.EmailTo != nil {
		out := []string{}
		for _, e := range *f.EmailTo {
			if e = NormalizeEmail(e); e != "" && !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
		*f.EmailTo = out
	}
}

// Validate checks the fields against the settings they will produce.
func (f *DeliverySettingsFields) Validate(cur *DeliverySettings) error {
	var v Validator
	url := cur.WebhookURL
	if f.WebhookURL != nil {
		url = *f.WebhookURL
		v.Check(url == "" || ValidWebhookURL(url), "webhookUrl", "must be an https:// (or http://) URL of at most 2,000 characters")
	}
	if f.WebhookOn != nil && *f.WebhookOn {
		v.Check(url != "", "webhookEnabled", "needs a webhook URL")
	}
	to := cur.EmailTo
	if f.EmailTo != nil {
		to = *f.EmailTo
		v.Check(len(to) <= MaxEmailRecipients, "emailRecipients", "may list at most 20 addresses")
		for _, e := range to {
			if !ValidEmail(e) {
				v.Add("emailRecipients", "%q is not a valid e-mail address", truncate(e, 60))
				break
			}
		}
	}
	if f.EmailOn != nil && *f.EmailOn {
		v.Check(len(to) > 0, "emailEnabled", "needs at least one recipient")
	}
	return v.Err()
}

// ValidWebhookURL reports whether s is an absolute http(s) URL without
// credentials. Where it may point is checked when it is called (the
// outbound client refuses internal addresses at connect time).
func ValidWebhookURL(s string) bool {
	if len(s) > 2000 || !PlainText(s) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

// Subscription sends the vendor's own systems the events they ask for.
type Subscription struct {
	ID          string
	URL         string
	Secret      string // whsec_…
	Events      []string
	Description string
	Enabled     bool
	OffReason   string // set when Ally turned it off (410 Gone)
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int64
}

// SubscriptionFields is a create or an update; nil leaves a field alone.
type SubscriptionFields struct {
	URL          *string   `json:"url"`
	Events       *[]string `json:"events"`
	Description  *string   `json:"description"`
	Enabled      *bool     `json:"enabled"`
	RotateSecret bool      `json:"rotateSecret"`
}

// Apply copies the given fields onto s.
func (f *SubscriptionFields) Apply(s *Subscription) {
	if f.URL != nil {
		s.URL = strings.TrimSpace(*f.URL)
	}
	if f.Events != nil {
		s.Events = slices.Compact(slices.Sorted(slices.Values(*f.Events)))
	}
	if f.Description != nil {
		s.Description = strings.TrimSpace(*f.Description)
	}
	if f.Enabled != nil {
		s.Enabled = *f.Enabled
		if s.Enabled {
			s.OffReason = ""
		}
	}
}

// Validate checks a whole subscription (after Apply).
func (s *Subscription) Validate() error {
	var v Validator
	v.Check(ValidWebhookURL(s.URL), "url", "must be an https:// (or http://) URL of at most 2,000 characters")
	v.Check(len(s.Events) > 0, "events", "must name at least one event")
	for _, e := range s.Events {
		if !slices.Contains(Events, e) {
			v.Add("events", "unknown event %q (known: %s)", truncate(e, 40), strings.Join(Events, ", "))
			break
		}
	}
	v.Check(utf8.RuneCountInString(s.Description) <= 500 && PlainText(s.Description), "description", "must be at most 500 characters of text")
	return v.Err()
}

// Wants reports whether an enabled subscription takes event.
func (s *Subscription) Wants(event string) bool {
	return s.Enabled && slices.Contains(s.Events, event)
}

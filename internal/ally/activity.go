package ally

import "time"

// ActivityKind is the kind of a timeline entry.
type ActivityKind string

// Activity kinds: a comment is shared with the partner; a note is internal.
const (
	ActivityComment      ActivityKind = "comment"
	ActivityNote         ActivityKind = "note"
	ActivityStatusChange ActivityKind = "status_change"
	ActivitySystem       ActivityKind = "system"
)

// Activity is one entry on a partner's timeline.
type Activity struct {
	ID         string
	PartnerID  string
	Kind       ActivityKind
	Text       string
	ActorKind  ActorKind
	ActorID    string
	ActorLabel string
	At         time.Time
}

// ActivityFilter selects a partner's timeline, newest first.
type ActivityFilter struct {
	PartnerID string
	Internal  bool // include notes (staff only)
	Before    string
	Limit     int
}

// Notification is a message to one person, shown in the app and maybe e-mailed.
type Notification struct {
	ID            string
	RecipientKind ActorKind // ActorStaff or ActorPartner
	RecipientID   string
	Kind          string
	Text          string
	Link          string // a path on this site
	Read          bool
	CreatedAt     time.Time
}

// Job is durable background work, enqueued in the transaction of the change
// that causes it and run after commit by a worker on any node.
type Job struct {
	ID          string
	Kind        string // e.g. email.send, partner.updated
	Args        []byte // JSON
	Attempts    int
	MaxAttempts int
	RunAt       time.Time
	LastError   string
	CreatedAt   time.Time
}

// Email is a composed message, ready to send.
type Email struct {
	To      []string `json:"to"`
	Subject string   `json:"subject"`
	Text    string   `json:"text"`
	HTML    string   `json:"html"`
}

// Settings are the vendor's settings edited in the admin UI.
type Settings struct {
	Branding  Branding     `json:"branding"`
	SMTP      SMTPSettings `json:"smtp"`
	QuietDays int          `json:"quietDays"` // the "going quiet" list: no activity for this many days
}

// Branding is the vendor's name, logo and accent colour on the portal and in e-mails.
type Branding struct {
	VendorName  string `json:"vendorName"`
	LogoURL     string `json:"logoUrl"`
	AccentColor string `json:"accentColor"` // #rrggbb
}

// SMTPSettings override the ALLY_SMTP_* settings when Host is set.
type SMTPSettings struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Username string `json:"username"`
	Password string `json:"password"`
	From     string `json:"from"`
}

// File is an uploaded file (a partner logo) kept in the database, so every
// node serves it. ContentType was sniffed from the bytes, never taken from the client.
type File struct {
	ID          string
	ContentType string
	Data        []byte
	CreatedAt   time.Time
}

// PrefixFile is the prefix of file ids.
const PrefixFile = "file_"

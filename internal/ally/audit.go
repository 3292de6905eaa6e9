package ally

import "time"

// AuditEvent is an append-only record of something that happened: who, what, to what, and which fields changed.
type AuditEvent struct {
	ID         string
	At         time.Time
	ActorKind  ActorKind
	ActorID    string
	ActorLabel string
	PartnerID  string // the partner concerned, if any
	Action     string // e.g. partner.created, partner.updated, apikey.revoked
	TargetType string
	TargetID   string
	IP         string
	UserAgent  string
	Changes    map[string]Change
}

// Change is one field's value before and after a write.
type Change struct {
	Before any `json:"before"`
	After  any `json:"after"`
}

// AuditFilter selects audit events, newest first. Empty fields do not filter.
type AuditFilter struct {
	PartnerID string
	ActorID   string
	Action    string
	Since     time.Time // events at or after this time; zero does not filter
	Until     time.Time // events before this time (exclusive); zero does not filter
	Before    string    // keyset cursor: the last id of the previous page
	Limit     int
}

// NewAuditEvent starts an event for actor doing action on a target at now.
func NewAuditEvent(actor Actor, action, targetType, targetID string, now time.Time) *AuditEvent {
	return &AuditEvent{
		ID: NewID(PrefixAudit), At: now,
		ActorKind: actor.Kind, ActorID: actor.ID, ActorLabel: actor.Label,
		Action: action, TargetType: targetType, TargetID: targetID,
		IP: actor.IP, UserAgent: actor.UserAgent,
	}
}

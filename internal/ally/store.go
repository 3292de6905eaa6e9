package ally

import (
	"context"
	"time"
)

// Reader holds the queries; both the store and a write transaction serve them.
// Find* by id returns ErrNotFound when nothing matches.
type Reader interface {
	FindPartnerByID(ctx context.Context, id string) (*Partner, error)
	FindPartnerByExternalID(ctx context.Context, externalID string) (*Partner, error)
	FindPartnerByDomain(ctx context.Context, domain string) (*Partner, error)
	// FindPartners returns up to f.Limit partners in id order after f.After.
	FindPartners(ctx context.Context, f PartnerFilter) ([]*Partner, error)

	FindTierByID(ctx context.Context, id string) (*Tier, error)
	FindTiers(ctx context.Context) ([]*Tier, error)
	FindPhaseByID(ctx context.Context, id string) (*Phase, error)
	FindPhases(ctx context.Context) ([]*Phase, error)
	FindExperienceTemplateByID(ctx context.Context, id string) (*ExperienceTemplate, error)
	FindExperienceTemplates(ctx context.Context) ([]*ExperienceTemplate, error)

	FindUserByID(ctx context.Context, id string) (*User, error)
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	FindUsers(ctx context.Context) ([]*User, error)

	FindAPIKeyByHash(ctx context.Context, hash string) (*APIKey, error)
	FindAPIKeys(ctx context.Context) ([]*APIKey, error)

	FindAuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, error)

	FindIdempotencyRecord(ctx context.Context, keyID, idemKey string) (*IdempotencyRecord, error)
}

// Tx is one write transaction. Everything written through it commits or
// rolls back together, which is how an audit event always lands with its change.
type Tx interface {
	Reader

	CreatePartner(ctx context.Context, p *Partner) error
	// UpdatePartner writes p if the stored version is still p.Version, and
	// increments p.Version; otherwise it returns ErrVersionMismatch.
	UpdatePartner(ctx context.Context, p *Partner) error

	CreateTier(ctx context.Context, t *Tier) error
	UpdateTier(ctx context.Context, t *Tier) error
	CreatePhase(ctx context.Context, p *Phase) error
	UpdatePhase(ctx context.Context, p *Phase) error
	CreateExperienceTemplate(ctx context.Context, t *ExperienceTemplate) error
	UpdateExperienceTemplate(ctx context.Context, t *ExperienceTemplate) error

	CreateUser(ctx context.Context, u *User) error

	CreateAPIKey(ctx context.Context, k *APIKey) error
	RevokeAPIKey(ctx context.Context, id string, at time.Time) error

	CreateAuditEvent(ctx context.Context, e *AuditEvent) error

	// ClaimIdempotencyKey inserts an in-progress record; it returns false when
	// the key is already recorded.
	ClaimIdempotencyKey(ctx context.Context, r *IdempotencyRecord) (bool, error)
	// ReclaimIdempotencyKey takes over an in-progress record older than staleBefore.
	ReclaimIdempotencyKey(ctx context.Context, r *IdempotencyRecord, staleBefore time.Time) (bool, error)
	CompleteIdempotencyKey(ctx context.Context, r *IdempotencyRecord) error
	DeleteIdempotencyKey(ctx context.Context, keyID, idemKey string) error
}

// Store is the database: reads outside a transaction, and Write for a transaction.
type Store interface {
	Reader
	// Write runs fn in one transaction, committing when fn returns nil.
	Write(ctx context.Context, fn func(Tx) error) error
	// TouchAPIKey records that a key was used; best effort, outside any transaction.
	TouchAPIKey(ctx context.Context, id string, at time.Time) error
	Ping(ctx context.Context) error
	Close() error
}

// IdempotencyRecord remembers the response to a POST made with an Idempotency-Key,
// so a retried create returns the first answer instead of creating twice.
type IdempotencyRecord struct {
	KeyID       string // the API key (or actor) the record belongs to
	Key         string // the client's Idempotency-Key
	RequestHash string // hex SHA-256 of method, path and body
	Status      int    // 0 while in progress
	Body        []byte
	CreatedAt   time.Time
}

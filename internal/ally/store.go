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

	FindContactByID(ctx context.Context, id string) (*Contact, error)
	// FindPortalContactByEmail returns the contact with portal access (not off) at email.
	FindPortalContactByEmail(ctx context.Context, email string) (*Contact, error)
	// FindContacts returns one partner's contacts (or every contact with an
	// e-mail) in id order after f.After.
	FindContacts(ctx context.Context, f ContactFilter) ([]*Contact, error)

	FindSessionByTokenHash(ctx context.Context, hash string) (*Session, error)
	FindTokenByHash(ctx context.Context, hash string) (*Token, error)
	// CountLoginFailures counts failures recorded for key since the given time.
	CountLoginFailures(ctx context.Context, key string, since time.Time) (int, error)

	FindGrants(ctx context.Context, userID string) ([]*Grant, error)
	FindPartnerGrants(ctx context.Context, partnerID string) ([]*Grant, error)
	// FindVisiblePartnerIDs returns, in id order, those of ids that the
	// staff user owns, manages or was granted (unknown ids left out).
	FindVisiblePartnerIDs(ctx context.Context, userID string, ids []string) ([]string, error)

	FindPropertyDefinitions(ctx context.Context) ([]*PropertyDefinition, error)
	FindPropertyDefinitionByID(ctx context.Context, id string) (*PropertyDefinition, error)

	// FindSettings returns the stored settings, or zero Settings when none were saved.
	FindSettings(ctx context.Context) (*Settings, error)
	// FindSealedSecrets returns a stored secret that begins with prefix
	// (an encrypted one) from each table that keeps secrets, at most one
	// each: webhook and subscription signing secrets, two-step sign-in keys.
	FindSealedSecrets(ctx context.Context, prefix string) ([]string, error)

	FindActivities(ctx context.Context, f ActivityFilter) ([]*Activity, error)
	FindNotifications(ctx context.Context, recipientKind ActorKind, recipientID string, limit int) ([]*Notification, error)

	FindFile(ctx context.Context, id string) (*File, error)

	LeadReader
}

// LeadReader holds the queries of the lead distribution half.
type LeadReader interface {
	// FindLeadByID fills PartnerName.
	FindLeadByID(ctx context.Context, id string) (*Lead, error)
	// FindLeadsByID returns the leads with these ids, in id order (unknown
	// ids left out), with PartnerName and without Routing.
	FindLeadsByID(ctx context.Context, ids []string) ([]*Lead, error)
	// FindLeads returns up to f.Limit leads after f.After in f.Sort order,
	// with PartnerName filled.
	FindLeads(ctx context.Context, f LeadFilter) ([]*Lead, error)
	// EachLead calls fn for every lead f selects (f.Limit ignored), in f.Sort
	// order, reading rows as it goes: memory does not grow with the count.
	EachLead(ctx context.Context, f LeadFilter, fn func(*Lead) error) error
	// LeadStats counts a partner's leads: all, received since monthStart, open.
	LeadStats(ctx context.Context, partnerID string, monthStart time.Time) (LeadStats, error)

	// FindRoutingRules returns every rule by priority, then id.
	FindRoutingRules(ctx context.Context) ([]*RoutingRule, error)
	FindRoutingRuleByID(ctx context.Context, id string) (*RoutingRule, error)
	// FindRoutingCandidates returns up to limit active partners with id >
	// after, in id order, that meet the category and tier conditions (the
	// lead conditions are ignored).
	FindRoutingCandidates(ctx context.Context, c RuleConditions, after string, limit int) ([]*RoutingCandidate, error)
	// FindRoutingCandidatesByID returns the named partners (any status) as
	// routing sees them, in id order; unknown ids are left out.
	FindRoutingCandidatesByID(ctx context.Context, ids []string) ([]*RoutingCandidate, error)
	// FindLeadCounts returns the day and month counts of the partners;
	// partners without any are left out of the map.
	FindLeadCounts(ctx context.Context, partnerIDs []string, day, month string) (map[string]LeadCount, error)
	// FindRuleCounts returns how many leads the rule gave each partner.
	FindRuleCounts(ctx context.Context, ruleID string, partnerIDs []string) (map[string]int64, error)

	// FindDeliverySettings returns a partner's settings, or zero settings
	// (PartnerID set, Version 0) when none were saved.
	FindDeliverySettings(ctx context.Context, partnerID string) (*DeliverySettings, error)
	// FindDeliverySettingsFor returns the partners' settings by partner id,
	// in one query: zero settings for each that saved none.
	FindDeliverySettingsFor(ctx context.Context, partnerIDs []string) (map[string]*DeliverySettings, error)
	FindDeliveryByID(ctx context.Context, id string) (*Delivery, error)
	// FindDeliveries returns up to f.Limit deliveries, newest first, after f.After.
	FindDeliveries(ctx context.Context, f DeliveryFilter) ([]*Delivery, error)
	// FindDeliveryAttempts returns a delivery's attempts, newest first (at most limit).
	FindDeliveryAttempts(ctx context.Context, deliveryID string, limit int) ([]*DeliveryAttempt, error)
	// FindAttemptsOfDeliveries returns the latest limitEach attempts of each
	// delivery, in one query: grouped by delivery, newest first within each.
	FindAttemptsOfDeliveries(ctx context.Context, deliveryIDs []string, limitEach int) ([]*DeliveryAttempt, error)

	FindSubscriptions(ctx context.Context) ([]*Subscription, error)
	FindSubscriptionByID(ctx context.Context, id string) (*Subscription, error)

	FindImportByID(ctx context.Context, id string) (*LeadImport, error)
	// FindImports returns the latest imports, newest first.
	FindImports(ctx context.Context, limit int) ([]*LeadImport, error)
	// FindImportChunk returns chunk seq (0-based) of an upload.
	FindImportChunk(ctx context.Context, importID string, seq int) ([]byte, error)
	// EachImportError calls fn for the import's row errors in line order.
	EachImportError(ctx context.Context, importID string, fn func(*ImportRowError) error) error
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

	// UpdateUser writes u when the stored version is u.Version (ErrVersionMismatch
	// otherwise), incrementing it: name, role, disabled, password hash, TOTP,
	// notifications, last sign-in.
	UpdateUser(ctx context.Context, u *User) error

	CreateContact(ctx context.Context, c *Contact) error
	// UpdateContact writes every field of c when the version matches, incrementing it.
	UpdateContact(ctx context.Context, c *Contact) error
	DeleteContact(ctx context.Context, id string) error

	CreateSession(ctx context.Context, s *Session) error
	// TouchSession moves last_seen_at forward.
	TouchSession(ctx context.Context, id string, at time.Time) error
	DeleteSession(ctx context.Context, id string) error
	// DeleteSessionsOf ends every session of a subject except keepID ("" for none).
	DeleteSessionsOf(ctx context.Context, kind ActorKind, subjectID, keepID string) error
	// DeleteExpiredSessions removes sessions past their absolute expiry or idle since before idleBefore.
	DeleteExpiredSessions(ctx context.Context, now, idleBefore time.Time) (int, error)

	CreateToken(ctx context.Context, t *Token) error
	// UseToken marks an unused, unexpired token used and returns it; a used,
	// expired or unknown token is ErrNotFound. Single use holds across nodes.
	UseToken(ctx context.Context, hash string, purpose TokenPurpose, now time.Time) (*Token, error)
	// DeleteTokensOf removes a subject's unused tokens of purpose (revoking an invite).
	DeleteTokensOf(ctx context.Context, purpose TokenPurpose, subjectKind ActorKind, subjectID string) error

	RecordLoginFailure(ctx context.Context, key string, at time.Time) error
	ClearLoginFailures(ctx context.Context, key string) error

	CreateGrant(ctx context.Context, g *Grant) error
	DeleteGrant(ctx context.Context, userID, partnerID string) error

	CreatePropertyDefinition(ctx context.Context, p *PropertyDefinition) error
	UpdatePropertyDefinition(ctx context.Context, p *PropertyDefinition) error
	DeletePropertyDefinition(ctx context.Context, id string) error

	SaveSettings(ctx context.Context, s *Settings) error

	CreateActivity(ctx context.Context, a *Activity) error
	CreateNotification(ctx context.Context, n *Notification) error
	MarkNotificationsRead(ctx context.Context, recipientKind ActorKind, recipientID string) error

	CreateFile(ctx context.Context, f *File) error

	// TouchPartnerActivity moves the partner's last activity forward, without
	// a version bump (activity is not an edit).
	TouchPartnerActivity(ctx context.Context, id string, at time.Time) error
	// Sweep deletes login failures, spent tokens and finished jobs older than
	// the given times, returning how many rows went.
	Sweep(ctx context.Context, failuresBefore, tokensBefore, jobsBefore time.Time) (int, error)

	// Enqueue adds a job that runs after this transaction commits.
	Enqueue(ctx context.Context, j *Job) error
	// EnqueueMany adds jobs like Enqueue, in one statement per few hundred.
	EnqueueMany(ctx context.Context, js []*Job) error
	// FinishJob marks a pending job done with this transaction, so a job
	// whose handler writes in one transaction does its work exactly once:
	// a second run finds it done (ErrNotFound) and writes nothing.
	FinishJob(ctx context.Context, id string, at time.Time) error
	// TakeJobs marks up to n due jobs of kind that no runner holds done
	// with this transaction and returns them, oldest first, for a handler
	// that does their work with its own: one commit for several.
	TakeJobs(ctx context.Context, kind string, n int, now time.Time) ([]*Job, error)

	LeadWriter
}

// LeadWriter holds the writes of the lead distribution half.
type LeadWriter interface {
	// CreateLeads inserts leads, in one statement per few hundred rows.
	CreateLeads(ctx context.Context, ls []*Lead) error
	// UpdateLead writes partner, status, reason, routing and the contact
	// fields when the stored version is l.Version (ErrVersionMismatch
	// otherwise), incrementing it.
	UpdateLead(ctx context.Context, l *Lead) error

	CreateRoutingRule(ctx context.Context, r *RoutingRule) error
	// UpdateRoutingRule writes r at r.Version (ErrVersionMismatch otherwise), incrementing it.
	UpdateRoutingRule(ctx context.Context, r *RoutingRule) error
	DeleteRoutingRule(ctx context.Context, id string) error
	// SetRuleCursor records a round-robin rule's last pick, without a version bump.
	SetRuleCursor(ctx context.Context, ruleID, partnerID string) error
	// LockRoutingRules returns every rule like FindRoutingRules and, on
	// PostgreSQL, locks the enabled round-robin, weighted and capped ones
	// until the transaction ends (in priority order), their cursors read
	// under the lock, so concurrent placements take turns.
	LockRoutingRules(ctx context.Context) ([]*RoutingRule, error)
	// LockRoutingSetup is LockRoutingRules and FindSubscriptions, what a
	// routed intake reads first, together (on PostgreSQL, one round trip).
	LockRoutingSetup(ctx context.Context) ([]*RoutingRule, []*Subscription, error)

	// LockLeadCounts returns the partners' counts like FindLeadCounts and,
	// on PostgreSQL, locks their counter rows until the transaction ends,
	// so two nodes cannot both give a partner its last lead under a cap.
	// Lock partners in id order to avoid deadlocks.
	LockLeadCounts(ctx context.Context, partnerIDs []string, day, month string) (map[string]LeadCount, error)
	// AddLeadCounts adds n to each partner's day and month counters.
	AddLeadCounts(ctx context.Context, day, month string, n map[string]int) error
	// AddRuleCounts adds n to each partner's count under the rule.
	AddRuleCounts(ctx context.Context, ruleID string, n map[string]int) error

	// SaveDeliverySettings upserts s at s.Version (0 for the first save;
	// ErrVersionMismatch when stale), incrementing it.
	SaveDeliverySettings(ctx context.Context, s *DeliverySettings) error
	// CreateDeliveries inserts deliveries, in one statement per few hundred.
	CreateDeliveries(ctx context.Context, ds []*Delivery) error
	// UpdateDelivery writes status, attempts, next attempt, last status,
	// error and delivered time.
	UpdateDelivery(ctx context.Context, d *Delivery) error
	CreateDeliveryAttempt(ctx context.Context, a *DeliveryAttempt) error

	CreateSubscription(ctx context.Context, s *Subscription) error
	// UpdateSubscription writes s at s.Version (ErrVersionMismatch otherwise), incrementing it.
	UpdateSubscription(ctx context.Context, s *Subscription) error
	DeleteSubscription(ctx context.Context, id string) error

	CreateImport(ctx context.Context, im *LeadImport) error
	// UpdateImport writes status, sizes, progress, error and times.
	UpdateImport(ctx context.Context, im *LeadImport) error
	AddImportChunk(ctx context.Context, importID string, seq int, data []byte) error
	// DeleteImportChunks drops an upload's stored bytes (after it is done).
	DeleteImportChunks(ctx context.Context, importID string) error
	// CreateImportErrors inserts row errors.
	CreateImportErrors(ctx context.Context, es []*ImportRowError) error
}

// Store is the database: reads outside a transaction, and Write for a transaction.
type Store interface {
	Reader
	// Write runs fn in one transaction, committing when fn returns nil.
	Write(ctx context.Context, fn func(Tx) error) error
	// TouchAPIKey records that a key was used; best effort, outside any transaction.
	TouchAPIKey(ctx context.Context, id string, at time.Time) error
	// ClaimJobs locks up to n due jobs of the given kinds for worker until
	// lockedUntil and counts an attempt on each; on PostgreSQL several
	// nodes never claim the same job.
	ClaimJobs(ctx context.Context, worker string, kinds []string, n int, now, lockedUntil time.Time) ([]*Job, error)
	// CompleteJob marks a claimed job done.
	CompleteJob(ctx context.Context, id string, at time.Time) error
	// RetryJob releases a failed job to run again at runAt, or marks it failed
	// for good when it has used its attempts.
	RetryJob(ctx context.Context, id string, runAt time.Time, lastError string) error
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

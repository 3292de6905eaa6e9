package ally

import (
	"context"
	"slices"
)

// ActorKind says who is acting: a staff user, a partner's user, an API key or Ally itself.
type ActorKind string

// Actor kinds.
const (
	ActorStaff   ActorKind = "staff"
	ActorPartner ActorKind = "partner_user"
	ActorAPIKey  ActorKind = "api_key"
	ActorSystem  ActorKind = "system"
)

// Actor is who performs an application call. Every call takes one; the
// application layer decides from it what may be seen and done.
type Actor struct {
	Kind      ActorKind
	ID        string // user, contact or key id; empty for the system
	Label     string // e-mail or key name, for the audit log
	Role      Role   // staff only
	PartnerID string // partner users only: the one organization they belong to
	Scopes    []Scope
	IP        string
	UserAgent string
}

// System is the actor for work Ally does on its own behalf (CLI, demo, sweeps).
func System(label string) Actor {
	return Actor{Kind: ActorSystem, Label: label}
}

// Role is a staff user's role.
type Role string

// Staff roles, strongest first.
const (
	RoleOwner   Role = "owner"
	RoleAdmin   Role = "admin"
	RoleManager Role = "manager"
	RoleViewer  Role = "viewer"
)

// Roles lists the valid roles.
var Roles = []Role{RoleOwner, RoleAdmin, RoleManager, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Scope is an API key permission, named as Introw names them: resource:read|write.
type Scope string

// API key scopes.
const (
	ScopePartnersRead   Scope = "partners:read"
	ScopePartnersWrite  Scope = "partners:write"
	ScopeTiersRead      Scope = "tiers:read"
	ScopeTiersWrite     Scope = "tiers:write"
	ScopePhasesRead     Scope = "phases:read"
	ScopePhasesWrite    Scope = "phases:write"
	ScopeTemplatesRead  Scope = "experience-templates:read"
	ScopeTemplatesWrite Scope = "experience-templates:write"
	ScopeContactsRead   Scope = "contacts:read"
	ScopeContactsWrite  Scope = "contacts:write"
	ScopeUsersRead      Scope = "users:read"
	ScopeAuditRead      Scope = "audit:read"
	ScopeLeadsRead      Scope = "leads:read"
	ScopeLeadsWrite     Scope = "leads:write"
	ScopeRoutingRead    Scope = "routing:read"
	ScopeRoutingWrite   Scope = "routing:write"
	ScopeDeliveriesRead Scope = "deliveries:read"
	// ScopeDeliveriesWrite redelivers, and edits partners' delivery settings.
	ScopeDeliveriesWrite Scope = "deliveries:write"
	ScopeWebhooksRead    Scope = "webhooks:read"
	ScopeWebhooksWrite   Scope = "webhooks:write"
)

// AllScopes lists every scope a key can hold.
var AllScopes = []Scope{
	ScopePartnersRead, ScopePartnersWrite, ScopeTiersRead, ScopeTiersWrite,
	ScopePhasesRead, ScopePhasesWrite, ScopeTemplatesRead, ScopeTemplatesWrite,
	ScopeContactsRead, ScopeContactsWrite, ScopeUsersRead, ScopeAuditRead,
	ScopeLeadsRead, ScopeLeadsWrite, ScopeRoutingRead, ScopeRoutingWrite,
	ScopeDeliveriesRead, ScopeDeliveriesWrite, ScopeWebhooksRead, ScopeWebhooksWrite,
}

// Valid reports whether s is a known scope.
func (s Scope) Valid() bool { return slices.Contains(AllScopes, s) }

// roleScopes says what each staff role may do, in the same vocabulary as keys,
// so one check serves both. Managers and viewers are further limited to the
// partners they may see (see the application layer). Routing rules are
// the vendor's, and name partners outside any one book: owners and admins only.
var roleScopes = map[Role][]Scope{
	RoleOwner: AllScopes,
	RoleAdmin: AllScopes,
	RoleManager: {ScopePartnersRead, ScopePartnersWrite, ScopeContactsRead, ScopeContactsWrite, ScopeTiersRead, ScopePhasesRead, ScopeTemplatesRead, ScopeUsersRead,
		ScopeLeadsRead, ScopeLeadsWrite, ScopeDeliveriesRead, ScopeDeliveriesWrite},
	RoleViewer: {ScopePartnersRead, ScopeContactsRead, ScopeTiersRead, ScopePhasesRead, ScopeTemplatesRead, ScopeUsersRead,
		ScopeLeadsRead, ScopeDeliveriesRead},
}

// Can reports whether the actor holds scope s.
func (a Actor) Can(s Scope) bool {
	switch a.Kind {
	case ActorSystem:
		return true
	case ActorAPIKey:
		return slices.Contains(a.Scopes, s)
	case ActorStaff:
		return slices.Contains(roleScopes[a.Role], s)
	}
	return false
}

// SeesAllPartners reports whether the actor's view of partners is unrestricted.
func (a Actor) SeesAllPartners() bool {
	switch a.Kind {
	case ActorSystem, ActorAPIKey:
		return true
	case ActorStaff:
		return a.Role == RoleOwner || a.Role == RoleAdmin
	}
	return false
}

type actorKey struct{}

// WithActor returns a context carrying a; front doors use it to pass the
// authenticated actor from middleware to handler.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor stored by WithActor.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

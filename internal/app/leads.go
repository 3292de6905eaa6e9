package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

// Lead use cases. Staff and API keys with leads:read see every lead (managers
// and viewers: only leads of partners they may see, never the unassigned
// queue); a partner user sees only its own organization's leads, and only
// when its experience template shows the Leads section.

// CreateLead takes one lead in: validate, route (or assign directly when
// in.PartnerID is set), insert, and enqueue its deliveries and the vendor's
// lead.created / lead.assigned events, all in one transaction.
func (a *App) CreateLead(ctx context.Context, actor ally.Actor, in ally.LeadInput) (*ally.Lead, error) {
	return nil, errNotBuilt
}

// Lead returns one lead the actor may see (404 otherwise).
func (a *App) Lead(ctx context.Context, actor ally.Actor, id string) (*ally.Lead, error) {
	return nil, errNotBuilt
}

// Leads lists leads, a keyset page at a time. For a partner user f.PartnerID
// is forced to its own organization.
func (a *App) Leads(ctx context.Context, actor ally.Actor, f ally.LeadFilter) (ally.Page[*ally.Lead], error) {
	return ally.Page[*ally.Lead]{}, errNotBuilt
}

// ExportLeads calls emit for every lead f selects (the whole filtered list,
// not a page), streaming from the database, and records one audit event
// for the export. For partner users the template must enable lead export.
func (a *App) ExportLeads(ctx context.Context, actor ally.Actor, f ally.LeadFilter, emit func(*ally.Lead) error) error {
	return errNotBuilt
}

// AssignLead gives a lead to a partner by hand (staff: from the unassigned
// queue, or a reassignment), explaining it on the lead and enqueuing its
// deliveries. partnerID "" sends the lead back to the unassigned queue.
func (a *App) AssignLead(ctx context.Context, actor ally.Actor, leadID, partnerID string, ifVersion *int64) (*ally.Lead, error) {
	return nil, errNotBuilt
}

// UpdateLeadStatus moves a lead on (partner users: their own leads), with a
// reason for lost and rejected; it lands on the partner's timeline, notifies
// the partner's owner and emits lead.status_changed.
func (a *App) UpdateLeadStatus(ctx context.Context, actor ally.Actor, leadID string, u ally.LeadStatusUpdate, ifVersion *int64) (*ally.Lead, error) {
	return nil, errNotBuilt
}

// MyLeadStats are the lead numbers on a partner user's dashboard.
func (a *App) MyLeadStats(ctx context.Context, actor ally.Actor) (ally.LeadStats, error) {
	return ally.LeadStats{}, errNotBuilt
}

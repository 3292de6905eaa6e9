package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// adminPartnerData is what the partner page shows.
type adminPartnerData struct {
	P                           *ally.Partner
	Tier, Phase, Template       string
	Champion, Primary           *ally.Contact
	CRMPartner, CRMCompany, Own []adminPropRow

	Contacts     []*ally.Contact
	MoreContacts string // link to the next contacts, if any

	Timeline []*ally.Activity
	Older    string // link to older entries, if any
	Newest   string // link back to the newest, when showing older ones

	Comment adminCommentForm
	Errors  map[string]string
	Alert   string

	Team     *adminTeamData // nil unless the actor may manage team access
	CanWrite bool
}

// adminCommentForm is the timeline's form: a shared comment or an internal note.
type adminCommentForm struct {
	Kind string
	Text string
}

// adminPartner shows one partner: its fields, contacts, timeline and, for
// admins, who from the team was given access.
func (s *server) adminPartner(w http.ResponseWriter, r *http.Request) {
	if err := admCheckQuery(r); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	s.adminPartnerPage(w, r, http.StatusOK, &adminPartnerData{Comment: adminCommentForm{Kind: string(ally.ActivityComment)}})
}

// adminPartnerPage reads the partner with everything around it and renders
// the page with d's form state (a rejected comment keeps its text).
func (s *server) adminPartnerPage(w http.ResponseWriter, r *http.Request, status int, d *adminPartnerData) {
	ctx, a := r.Context(), actor(r)
	p, err := s.app.Partner(ctx, a, r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	cat, err := s.adminCatalog(r)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d.P, d.CanWrite = p, admCanWrite(r)
	d.Tier, d.Phase, d.Template = cat.tierName(p.TierID), cat.phaseName(p.PhaseID), cat.templateName(p.ExperienceTemplateID)
	d.CRMPartner, d.CRMCompany, d.Own = adminPropList(p.PartnerCRMProperties), adminPropList(p.CompanyCRMProperties), adminPropList(p.CustomProperties)
	if d.Champion, err = s.adminContactRef(r, p.ID, p.ChampionContactID); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	if d.Primary, err = s.adminContactRef(r, p.ID, p.PrimaryContactID); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}

	q := r.URL.Query()
	self := "/admin/partners/" + p.ID
	contacts, err := s.app.Contacts(ctx, a, p.ID, q.Get("contacts"), ally.DefaultLimit)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d.Contacts = contacts.Items
	if contacts.Next != "" {
		d.MoreContacts = admURL(self, "contacts", contacts.Next, "before", q.Get("before"))
	}
	timeline, err := s.app.Timeline(ctx, a, p.ID, q.Get("before"), ally.DefaultLimit)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d.Timeline = timeline.Items
	if timeline.Next != "" {
		d.Older = admURL(self, "before", timeline.Next, "contacts", q.Get("contacts"))
	}
	if q.Get("before") != "" {
		d.Newest = admURL(self, "contacts", q.Get("contacts"))
	}
	if d.Team, err = s.adminTeam(r, p.ID, cat); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	s.render(w, r, status, "admin/partner", view{Title: p.Name, Data: d})
}

// adminContactRef reads the partner's champion or primary contact; a
// reference to a contact that is gone shows as none.
func (s *server) adminContactRef(r *http.Request, partnerID, contactID string) (*ally.Contact, error) {
	if contactID == "" {
		return nil, nil
	}
	c, err := s.app.Contact(r.Context(), actor(r), partnerID, contactID)
	if ally.IsNotFound(err) {
		return nil, nil
	}
	return c, err
}

// adminPartnerActivity adds a comment (shared with the partner) or an
// internal note to the timeline.
func (s *server) adminPartnerActivity(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	id := r.PathValue("id")
	form := adminCommentForm{Kind: r.PostFormValue("kind"), Text: r.PostFormValue("text")}
	err := s.app.AddComment(r.Context(), actor(r), id, ally.ActivityKind(form.Kind), form.Text)
	if ally.ErrorCode(err) == ally.ECodeInvalid {
		d := &adminPartnerData{Comment: form}
		var msg string
		d.Errors, msg = fieldErrors(err)
		d.Alert = admSentence(msg)
		s.adminPartnerPage(w, r, statusOf(err), d)
		return
	}
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	redirect(w, r, "/admin/partners/"+id, "comment")
}

// adminPartnerArchive archives a partner; restore brings back its old status.
func (s *server) adminPartnerArchive(w http.ResponseWriter, r *http.Request) {
	p, err := s.app.ArchivePartner(r.Context(), actor(r), r.PathValue("id"), app.UpdatePartnerOptions{})
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	redirect(w, r, "/admin/partners/"+p.ID, "archived")
}

// adminPartnerRestore returns an archived partner to the status it had.
func (s *server) adminPartnerRestore(w http.ResponseWriter, r *http.Request) {
	p, err := s.app.RestorePartner(r.Context(), actor(r), r.PathValue("id"), app.UpdatePartnerOptions{})
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	redirect(w, r, "/admin/partners/"+p.ID, "restored")
}

package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// Tiers and phases: a list with a form to add one, and an edit page each.

// tierForm is a tier form as typed, kept when the form is shown again.
type tierForm struct {
	Name, Rank, Price string
	Version           int64
}

// tierRow is a tier in the list, its price written out.
type tierRow struct {
	*ally.Tier
	Price string
}

type tiersData struct {
	Tiers []tierRow
	Form  tierForm
	Errs  formErrs
}

type tierData struct {
	Tier *ally.Tier
	Form tierForm
	Errs formErrs
}

func (s *server) tierList(w http.ResponseWriter, r *http.Request) {
	s.renderTiers(w, r, http.StatusOK, tierForm{Rank: "0", Price: "0.00"}, formErrs{})
}

func (s *server) renderTiers(w http.ResponseWriter, r *http.Request, status int, form tierForm, e formErrs) {
	ts, err := s.app.Tiers(r.Context(), actor(r))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	rows := make([]tierRow, len(ts))
	for i, t := range ts {
		rows[i] = tierRow{Tier: t, Price: formatCents(t.PricePerLeadCents)}
	}
	s.render(w, r, status, "admin/settings_tiers", view{Title: "Tiers", Data: tiersData{Tiers: rows, Form: form, Errs: e}})
}

// tierFields reads a tier form.
func tierFields(f *formInput) (ally.TierFields, tierForm) {
	form := tierForm{Name: f.text("name"), Rank: f.text("rank"), Price: f.text("price")}
	return ally.TierFields{Name: f.ptr("name"), Rank: f.number("rank", "rank"),
		PricePerLeadCents: f.money("price", "pricePerLeadCents")}, form
}

func (s *server) tierCreate(w http.ResponseWriter, r *http.Request) {
	submitForm(s, w, r, true, tierFields,
		func(fields ally.TierFields, _ *int64) error {
			_, err := s.app.CreateTier(r.Context(), actor(r), fields)
			return err
		},
		func(status int, form tierForm, _ *int64, e formErrs) { s.renderTiers(w, r, status, form, e) },
		"/admin/settings/tiers", "created")
}

func (s *server) tierEdit(w http.ResponseWriter, r *http.Request) {
	t, err := s.app.Tier(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	form := tierForm{Name: t.Name, Rank: itoa(t.Rank), Price: formatCents(t.PricePerLeadCents), Version: t.Version}
	s.render(w, r, http.StatusOK, "admin/settings_tier", view{Title: "Tier " + t.Name, Data: tierData{Tier: t, Form: form}})
}

func (s *server) tierUpdate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	submitForm(s, w, r, false, tierFields,
		func(fields ally.TierFields, version *int64) error {
			_, err := s.app.UpdateTier(r.Context(), actor(r), id, fields, version)
			return err
		},
		func(status int, form tierForm, version *int64, e formErrs) {
			t, err := s.app.Tier(r.Context(), actor(r), id)
			if err != nil {
				s.errorPage(w, r, "admin", err)
				return
			}
			if version != nil {
				form.Version = *version
			}
			s.render(w, r, status, "admin/settings_tier", view{Title: "Tier " + t.Name, Data: tierData{Tier: t, Form: form, Errs: e}})
		},
		"/admin/settings/tiers", "saved")
}

// phaseForm is a phase form as typed.
type phaseForm struct {
	Name, Position string
	Version        int64
}

type phasesData struct {
	Phases []*ally.Phase
	Form   phaseForm
	Errs   formErrs
}

type phaseData struct {
	Phase *ally.Phase
	Form  phaseForm
	Errs  formErrs
}

func (s *server) phaseList(w http.ResponseWriter, r *http.Request) {
	s.renderPhases(w, r, http.StatusOK, phaseForm{}, formErrs{})
}

func (s *server) renderPhases(w http.ResponseWriter, r *http.Request, status int, form phaseForm, e formErrs) {
	ps, err := s.app.Phases(r.Context(), actor(r))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	if form.Position == "" {
		// A new phase goes last unless the admin says otherwise.
		next := 0
		for _, p := range ps {
			next = max(next, p.Position+1)
		}
		form.Position = itoa(next)
	}
	s.render(w, r, status, "admin/settings_phases", view{Title: "Phases", Data: phasesData{Phases: ps, Form: form, Errs: e}})
}

func phaseFields(f *formInput) (ally.PhaseFields, phaseForm) {
	form := phaseForm{Name: f.text("name"), Position: f.text("position")}
	return ally.PhaseFields{Name: f.ptr("name"), Position: f.number("position", "position")}, form
}

func (s *server) phaseCreate(w http.ResponseWriter, r *http.Request) {
	submitForm(s, w, r, true, phaseFields,
		func(fields ally.PhaseFields, _ *int64) error {
			_, err := s.app.CreatePhase(r.Context(), actor(r), fields)
			return err
		},
		func(status int, form phaseForm, _ *int64, e formErrs) { s.renderPhases(w, r, status, form, e) },
		"/admin/settings/phases", "created")
}

func (s *server) phaseEdit(w http.ResponseWriter, r *http.Request) {
	p, err := s.app.Phase(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	form := phaseForm{Name: p.Name, Position: itoa(p.Position), Version: p.Version}
	s.render(w, r, http.StatusOK, "admin/settings_phase", view{Title: "Phase " + p.Name, Data: phaseData{Phase: p, Form: form}})
}

func (s *server) phaseUpdate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	submitForm(s, w, r, false, phaseFields,
		func(fields ally.PhaseFields, version *int64) error {
			_, err := s.app.UpdatePhase(r.Context(), actor(r), id, fields, version)
			return err
		},
		func(status int, form phaseForm, version *int64, e formErrs) {
			p, err := s.app.Phase(r.Context(), actor(r), id)
			if err != nil {
				s.errorPage(w, r, "admin", err)
				return
			}
			if version != nil {
				form.Version = *version
			}
			s.render(w, r, status, "admin/settings_phase", view{Title: "Phase " + p.Name, Data: phaseData{Phase: p, Form: form, Errs: e}})
		},
		"/admin/settings/phases", "saved")
}

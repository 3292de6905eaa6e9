package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// The rules' dry run: a lead typed in, and where the rules would send it
// now and why. Nothing is saved and no cap or round-robin turn is used.

// dryRunFields are the lead fields the dry run asks for: what rules look
// at, and enough to make a valid lead.
var dryRunFields = []string{"firstName", "lastName", "email", "company", "companyDomain", "country", "region", "source"}

type dryRunData struct {
	In       ally.LeadInput
	Errs     formErrs
	Decision *ally.RoutingDecision // nil until a lead was tried; redacted by the app for the reader
}

func (s *server) adminDryRunPage(w http.ResponseWriter, r *http.Request) {
	if err := s.app.RequireScope(actor(r), ally.ScopeRoutingRead); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	s.render(w, r, http.StatusOK, "admin/rules_dryrun", view{Title: "Routing dry run", Data: dryRunData{}})
}

func (s *server) adminDryRun(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	var in ally.LeadInput
	for _, name := range dryRunFields {
		in.SetColumn(name, f.r.PostFormValue(name))
	}
	d := dryRunData{In: in}
	dec, err := s.app.DryRunRouting(r.Context(), actor(r), in)
	if err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) {
			d.Errs = e
			s.render(w, r, status, "admin/rules_dryrun", view{Title: "Routing dry run", Data: d})
		})
		return
	}
	d.Decision = dec
	s.render(w, r, http.StatusOK, "admin/rules_dryrun", view{Title: "Routing dry run", Data: d})
}

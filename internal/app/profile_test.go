package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/mail"
	"github.com/allyprm/ally/internal/store/storetest"
)

// TestPartnerProfileEdit: a partner user's edit of an editable field is
// saved, audited, put on the timeline, notified to the owner (in the app
// and by e-mail) and queued for the CRM in one go; a read-only field in the
// same request refuses the whole edit.
func TestPartnerProfileEdit(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, engine)
			a := app.New(db, app.WithBaseURL("https://ally.example"))
			owner := mustUser(t, a, "owner@vendor.example", ally.RoleManager)
			prof := []ally.ProfileField{{Key: ally.CoreName}, {Key: ally.CoreWebsite, Editable: true}, {Key: ally.CoreTier}}
			tmpl, err := a.CreateExperienceTemplate(ctx, sys, ally.ExperienceTemplateFields{Name: ptr("Resellers"),
				Sections: &ally.Sections{Dashboard: true, Profile: true}, Profile: &prof})
			if err != nil {
				t.Fatal(err)
			}
			p := mustPartner(t, a, sys, ally.PartnerFields{Name: ptr("Acme"), OwnerID: &owner.ID, ExperienceTemplateID: &tmpl.ID,
				PortalAccess: ptr(ally.AccessRestrictedUsers), Status: ptr(ally.StatusActive)})
			user := ally.Actor{Kind: ally.ActorPartner, ID: "ctc_x", PartnerID: p.ID, Label: "ana@acme.example"}

			_, err = a.UpdateMyProfile(ctx, user, map[string][]string{"website": {"https://acme.example"}, "name": {"Hijacked"}}, nil)
			wantCode(t, err, ally.ECodeInvalid)
			if got, _ := a.Partner(ctx, sys, p.ID); got.Name != "Acme" || got.Website != "" || got.Version != p.Version {
				t.Fatalf("a refused edit changed the partner: %+v", got)
			}

			v, err := a.UpdateMyProfile(ctx, user, map[string][]string{"website": {"https://acme.example"}}, &p.Version)
			if err != nil || v.Partner.Website != "https://acme.example" {
				t.Fatalf("edit: %v %v", v, err)
			}
			audit, _ := a.AuditEvents(ctx, sys, ally.AuditFilter{PartnerID: p.ID, Action: "partner.profile_updated"})
			if len(audit.Items) != 1 || audit.Items[0].ActorKind != ally.ActorPartner || audit.Items[0].Changes["website"].After != "https://acme.example" {
				t.Fatalf("audit: %+v", audit.Items)
			}
			timeline, _ := a.Timeline(ctx, sys, p.ID, "", 10)
			ns, _ := a.Notifications(ctx, owner, 10)
			if len(timeline.Items) == 0 || len(ns) != 1 || ns[0].Link != "/admin/partners/"+p.ID {
				t.Fatalf("timeline %d entries, notifications %+v", len(timeline.Items), ns)
			}
			jobs, err := db.ClaimJobs(ctx, "test", []string{app.JobPartnerUpdated, mail.JobKind}, 10, time.Now().Add(time.Hour), time.Now().Add(2*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[string]int{}
			for _, j := range jobs {
				kinds[j.Kind]++
				if j.Kind == mail.JobKind {
					m, err := mail.FromJob(j)
					if err != nil || m.To[0] != "owner@vendor.example" || !strings.Contains(m.Text, "https://ally.example/admin/partners/"+p.ID) {
						t.Errorf("owner e-mail: %+v", m)
					}
				}
			}
			if kinds[app.JobPartnerUpdated] != 1 || kinds[mail.JobKind] != 1 {
				t.Fatalf("jobs %v", kinds)
			}
		})
	}
}

package app_test

import (
	"context"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

func TestAddPartnerNeverUpdates(t *testing.T) {
	each(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		admin := mustUser(t, a, "admin@vendor.example", ally.RoleAdmin)
		viewer := mustUser(t, a, "viewer@vendor.example", ally.RoleViewer)
		manager := mustUser(t, a, "manager@vendor.example", ally.RoleManager)

		first, err := a.AddPartner(ctx, admin, ally.PartnerFields{Name: ptr("Acme"), Domain: ptr("acme.example")})
		if err != nil {
			t.Fatal(err)
		}
		if first.Status != ally.StatusOnboarding || first.Version != 1 {
			t.Fatalf("new partner = %+v", first)
		}

		// The same domain (in other case) is refused on the field, and the first partner is untouched.
		_, err = a.AddPartner(ctx, admin, ally.PartnerFields{Name: ptr("Acme again"), Domain: ptr("ACME.example")})
		wantCode(t, err, ally.ECodeInvalid)
		if fe := err.(*ally.Error).Fields; len(fe) != 1 || fe[0].Field != "domain" {
			t.Fatalf("fields = %+v", fe)
		}
		again, err := a.Partner(ctx, admin, first.ID)
		if err != nil || again.Name != "Acme" || again.Version != 1 {
			t.Fatalf("first partner changed: %+v %v", again, err)
		}

		_, err = a.AddPartner(ctx, admin, ally.PartnerFields{Name: ptr("")})
		wantCode(t, err, ally.ECodeInvalid)
		_, err = a.AddPartner(ctx, admin, ally.PartnerFields{Name: ptr("Beta"), PrimaryContactID: ptr("ctc_x")})
		wantCode(t, err, ally.ECodeInvalid)
		_, err = a.AddPartner(ctx, viewer, ally.PartnerFields{Name: ptr("Gamma")})
		wantCode(t, err, ally.ECodeForbidden)

		// A manager owns what they add, so they can see it.
		mine, err := a.AddPartner(ctx, manager, ally.PartnerFields{Name: ptr("Delta")})
		if err != nil {
			t.Fatal(err)
		}
		if mine.OwnerID != manager.ID {
			t.Fatalf("owner = %q, want the manager", mine.OwnerID)
		}
		if _, err := a.Partner(ctx, manager, mine.ID); err != nil {
			t.Fatal(err)
		}
	})
}

package store_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

// newContact returns a minimal contact at the partner, not yet stored.
func newContact(partnerID, email string) *ally.Contact {
	return &ally.Contact{ID: ally.NewID(ally.PrefixContact), PartnerID: partnerID, Name: "Name of " + email,
		Email: email, CreatedAt: now(), UpdatedAt: now()}
}

func mustContacts(t testing.TB, db *store.DB, cs ...*ally.Contact) {
	t.Helper()
	mustWrite(t, db, func(tx ally.Tx) error {
		for _, c := range cs {
			if err := tx.CreateContact(t.Context(), c); err != nil {
				return err
			}
		}
		return nil
	})
}

func contactIDs(cs []*ally.Contact) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestContactRoundTrip(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p := newPartner("Acme")
		mustPartners(t, db, p)
		c := &ally.Contact{ID: ally.NewID(ally.PrefixContact), PartnerID: p.ID, Name: "Ána Ñ", Email: " Ana@Acme.Example ",
			Phone: "+32 2 555 01 02", Title: "Head of Sales",
			Roles:   []ally.ContactRole{ally.ContactSales, ally.ContactChampion},
			Primary: true, Portal: ally.PortalActive, PasswordHash: "argon2id$x", MustChangePassword: true,
			Notifications: map[string]bool{ally.NotifyLeadAssigned: true, ally.NotifyActivity: false},
			LastSignInAt:  now().Add(-time.Hour), CreatedAt: now().Add(-2 * time.Hour), UpdatedAt: now()}
		mustContacts(t, db, c)
		if c.Email != "ana@acme.example" || c.Version != 1 {
			t.Fatalf("after create: %q, version %d", c.Email, c.Version)
		}
		for name, find := range map[string]func() (*ally.Contact, error){
			"id":           func() (*ally.Contact, error) { return db.FindContactByID(ctx, c.ID) },
			"portal email": func() (*ally.Contact, error) { return db.FindPortalContactByEmail(ctx, "ANA@acme.example") },
			"list": func() (*ally.Contact, error) {
				cs, err := db.FindContacts(ctx, ally.ContactFilter{PartnerID: p.ID})
				if err != nil || len(cs) != 1 {
					t.Fatalf("list: %d, %v", len(cs), err)
				}
				return cs[0], nil
			},
		} {
			if got, err := find(); err != nil || !reflect.DeepEqual(got, c) {
				t.Errorf("by %s: %+v, %v\nwant %+v", name, got, err, c)
			}
		}

		// A minimal contact: no portal (stored as off), nil roles and map, zero times.
		min := newContact(p.ID, "min@acme.example")
		mustContacts(t, db, min)
		if min.Portal != ally.PortalOff {
			t.Errorf("portal %q, want off", min.Portal)
		}
		if got, err := db.FindContactByID(ctx, min.ID); err != nil || !reflect.DeepEqual(got, min) {
			t.Errorf("minimal: %+v, %v\nwant %+v", got, err, min)
		}
		_, err := db.FindPortalContactByEmail(ctx, "min@acme.example")
		wantIs(t, err, ally.ErrNotFound)
		_, err = db.FindContactByID(ctx, "ctc_missing")
		wantIs(t, err, ally.ErrNotFound)

		orphan := newContact("ptn_missing", "x@acme.example")
		wantError(t, db.Write(ctx, func(tx ally.Tx) error { return tx.CreateContact(ctx, orphan) }),
			ally.ECodeInvalid, "the partner does not exist")
		dup := newContact(p.ID, "y@acme.example")
		dup.ID = c.ID
		wantCode(t, db.Write(ctx, func(tx ally.Tx) error { return tx.CreateContact(ctx, dup) }), ally.ECodeConflict)
	})
}

func TestUpdateContact(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p, q := newPartner("P"), newPartner("Q")
		mustPartners(t, db, p, q)
		c := newContact(p.ID, "bo@p.example")
		mustContacts(t, db, c)
		created := c.CreatedAt

		c.PartnerID, c.Name, c.Email, c.Phone, c.Title = q.ID, "Bo", "BO@Q.example", "123", "CTO"
		c.Roles, c.Primary, c.Portal = []ally.ContactRole{ally.ContactTechnical}, true, ally.PortalInvited
		c.PasswordHash, c.MustChangePassword = "h", true
		c.Notifications = map[string]bool{ally.NotifyActivity: true}
		c.LastSignInAt, c.UpdatedAt = now().Add(time.Minute), now().Add(time.Minute)
		c.CreatedAt = created.Add(-time.Hour) // not rewritten
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdateContact(ctx, c) })
		want := *c
		want.CreatedAt = created
		if c.Version != 2 || c.Email != "bo@q.example" {
			t.Fatalf("after update: version %d, e-mail %q", c.Version, c.Email)
		}
		if got, err := db.FindContactByID(ctx, c.ID); err != nil || !reflect.DeepEqual(got, &want) {
			t.Errorf("after update: %+v, %v\nwant %+v", got, err, &want)
		}

		stale := want
		stale.Version = 1
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateContact(ctx, &stale) }), ally.ErrVersionMismatch)
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateContact(ctx, newContact(p.ID, "n@p.example")) }),
			ally.ErrNotFound)
		moved := want
		moved.PartnerID = "ptn_missing"
		wantCode(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateContact(ctx, &moved) }), ally.ECodeInvalid)
	})
}

func TestContactPortalEmailUnique(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p, q := newPartner("P"), newPartner("Q")
		mustPartners(t, db, p, q)
		// The same person known at two partners: fine while neither has access.
		a, b := newContact(p.ID, "sam@shared.example"), newContact(q.ID, "Sam@Shared.example")
		mustContacts(t, db, a, b)
		update := func(c *ally.Contact, portal ally.PortalStatus) error {
			c2 := *c
			c2.Portal = portal
			err := db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateContact(ctx, &c2) })
			if err == nil {
				*c = c2
			}
			return err
		}
		const taken = "another contact with this e-mail address already has portal access"
		if err := update(a, ally.PortalInvited); err != nil {
			t.Fatal(err)
		}
		wantError(t, update(b, ally.PortalActive), ally.ECodeConflict, taken)
		if b.Version != 1 {
			t.Errorf("failed update changed the version to %d", b.Version)
		}
		// Disabled access still holds the address: re-enabling must not collide.
		if err := update(a, ally.PortalDisabled); err != nil {
			t.Fatal(err)
		}
		wantError(t, update(b, ally.PortalInvited), ally.ECodeConflict, taken)
		c := newContact(q.ID, "sam@shared.example")
		c.Portal = ally.PortalActive
		wantError(t, db.Write(ctx, func(tx ally.Tx) error { return tx.CreateContact(ctx, c) }), ally.ECodeConflict, taken)

		got, err := db.FindPortalContactByEmail(ctx, "sam@shared.example")
		if err != nil || got.ID != a.ID {
			t.Fatalf("portal contact: %+v, %v; want %s", got, err, a.ID)
		}
		if err := update(a, ally.PortalOff); err != nil {
			t.Fatal(err)
		}
		if err := update(b, ally.PortalActive); err != nil {
			t.Fatal(err)
		}
		if got, err := db.FindPortalContactByEmail(ctx, "sam@shared.example"); err != nil || got.ID != b.ID {
			t.Errorf("portal contact after the move: %+v, %v; want %s", got, err, b.ID)
		}
		all, err := db.FindContacts(ctx, ally.ContactFilter{Email: "SAM@shared.example"})
		if err != nil || !slices.Equal(contactIDs(all), []string{a.ID, b.ID}) {
			t.Errorf("by e-mail: %v, %v", contactIDs(all), err)
		}
	})
}

func TestFindContacts(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p, q := newPartner("P"), newPartner("Q")
		mustPartners(t, db, p, q)
		var atP, withEmail []string
		for i := range 23 {
			partner, email := p.ID, "c"+string(rune('a'+i))+"@x.example"
			if i%4 == 0 {
				partner = q.ID
			}
			if i%5 == 0 {
				email = "same@x.example"
			}
			c := newContact(partner, email)
			mustContacts(t, db, c)
			if partner == p.ID {
				atP = append(atP, c.ID)
			}
			if email == "same@x.example" {
				withEmail = append(withEmail, c.ID)
			}
		}
		page := func(f ally.ContactFilter) []string {
			var all []string
			f.Limit = 4
			for range 20 {
				cs, err := db.FindContacts(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, contactIDs(cs)...)
				if len(cs) < f.Limit {
					return all
				}
				f.After = cs[len(cs)-1].ID
			}
			t.Fatal("paging does not end")
			return nil
		}
		if got := page(ally.ContactFilter{PartnerID: p.ID}); !slices.Equal(got, atP) {
			t.Errorf("by partner: %v\nwant %v", got, atP)
		}
		if got := page(ally.ContactFilter{Email: "same@x.example"}); !slices.Equal(got, withEmail) {
			t.Errorf("by e-mail: %v\nwant %v", got, withEmail)
		}
		var both []string
		for _, id := range withEmail {
			if slices.Contains(atP, id) {
				both = append(both, id)
			}
		}
		if got := page(ally.ContactFilter{PartnerID: p.ID, Email: "same@x.example"}); !slices.Equal(got, both) {
			t.Errorf("by partner and e-mail: %v\nwant %v", got, both)
		}
		if cs, err := db.FindContacts(ctx, ally.ContactFilter{PartnerID: "ptn_none"}); err != nil || len(cs) != 0 {
			t.Errorf("unknown partner: %v, %v", cs, err)
		}
	})
}

func TestDeleteContact(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p := newPartner("P")
		mustPartners(t, db, p)
		gone, kept := newContact(p.ID, "gone@p.example"), newContact(p.ID, "kept@p.example")
		mustContacts(t, db, gone, kept)
		goneSes, keptSes := newSession(ally.ActorPartner, gone.ID, "h-gone"), newSession(ally.ActorPartner, kept.ID, "h-kept")
		goneTok, keptTok := newToken(ally.TokenInvite, gone.ID, "t-gone"), newToken(ally.TokenInvite, kept.ID, "t-kept")
		usedTok := newToken(ally.TokenReset, gone.ID, "t-used")
		usedTok.UsedAt = now()
		mustWrite(t, db, func(tx ally.Tx) error {
			for _, s := range []*ally.Session{goneSes, keptSes} {
				if err := tx.CreateSession(ctx, s); err != nil {
					return err
				}
			}
			for _, tk := range []*ally.Token{goneTok, keptTok, usedTok} {
				if err := tx.CreateToken(ctx, tk); err != nil {
					return err
				}
			}
			return tx.DeleteContact(ctx, gone.ID)
		})
		_, err := db.FindContactByID(ctx, gone.ID)
		wantIs(t, err, ally.ErrNotFound)
		_, err = db.FindSessionByTokenHash(ctx, "h-gone")
		wantIs(t, err, ally.ErrNotFound)
		for _, h := range []string{"t-gone", "t-used"} {
			_, err := db.FindTokenByHash(ctx, h)
			wantIs(t, err, ally.ErrNotFound)
		}
		if _, err := db.FindSessionByTokenHash(ctx, "h-kept"); err != nil {
			t.Errorf("another contact's session: %v", err)
		}
		if _, err := db.FindTokenByHash(ctx, "t-kept"); err != nil {
			t.Errorf("another contact's token: %v", err)
		}
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.DeleteContact(ctx, gone.ID) }), ally.ErrNotFound)
	})
}

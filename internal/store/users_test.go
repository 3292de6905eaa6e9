package store_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

func TestUsers(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		zed := mustUser(t, db, "zed@vendor.example")
		ann := mustUser(t, db, "Ann@Vendor.example")
		if ann.Email != "ann@vendor.example" || ann.Version != 1 {
			t.Errorf("created: %+v", ann)
		}
		for _, email := range []string{"ann@vendor.example", "ANN@VENDOR.EXAMPLE", " Ann@vendor.example "} {
			got, err := db.FindUserByEmail(ctx, email)
			if err != nil || !reflect.DeepEqual(got, ann) {
				t.Errorf("by e-mail %q: %+v, %v", email, got, err)
			}
		}
		got, err := db.FindUserByID(ctx, zed.ID)
		if err != nil || !reflect.DeepEqual(got, zed) {
			t.Errorf("by id: %+v, %v", got, err)
		}
		disabled := &ally.User{ID: ally.NewID(ally.PrefixUser), Email: "off@vendor.example", Role: ally.RoleViewer,
			Disabled: true, CreatedAt: now(), UpdatedAt: now()}
		mustWrite(t, db, func(tx ally.Tx) error { return tx.CreateUser(ctx, disabled) })
		if got, err := db.FindUserByID(ctx, disabled.ID); err != nil || !got.Disabled {
			t.Errorf("disabled: %+v, %v", got, err)
		}

		dup := &ally.User{ID: ally.NewID(ally.PrefixUser), Email: "ZED@vendor.example", Role: ally.RoleAdmin, CreatedAt: now(), UpdatedAt: now()}
		err = db.Write(ctx, func(tx ally.Tx) error { return tx.CreateUser(ctx, dup) })
		wantError(t, err, ally.ECodeConflict, "a user with this e-mail already exists")

		list, err := db.FindUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var emails []string
		for _, u := range list {
			emails = append(emails, u.Email)
		}
		if !slices.Equal(emails, []string{"ann@vendor.example", "off@vendor.example", "zed@vendor.example"}) {
			t.Errorf("order: %v", emails)
		}
		_, err = db.FindUserByID(ctx, "user_x")
		wantIs(t, err, ally.ErrNotFound)
		_, err = db.FindUserByEmail(ctx, "nobody@vendor.example")
		wantIs(t, err, ally.ErrNotFound)
	})
}

func TestAPIKeys(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		u := mustUser(t, db, "admin@vendor.example")
		base := now()
		cli := &ally.APIKey{ID: ally.NewID(ally.PrefixAPIKey), Name: "CLI", Prefix: "ally_abc", Hash: "hash-cli",
			CreatedAt: base}
		crm := &ally.APIKey{ID: ally.NewID(ally.PrefixAPIKey), Name: "CRM sync", Prefix: "ally_def", Hash: "hash-crm",
			Scopes: []ally.Scope{ally.ScopePartnersRead, ally.ScopePartnersWrite}, CreatedBy: u.ID, CreatedAt: base.Add(time.Second)}
		mustWrite(t, db, func(tx ally.Tx) error {
			if err := tx.CreateAPIKey(ctx, cli); err != nil {
				return err
			}
			return tx.CreateAPIKey(ctx, crm)
		})

		got, err := db.FindAPIKeyByHash(ctx, "hash-crm")
		if err != nil || !reflect.DeepEqual(got, crm) {
			t.Fatalf("by hash: %+v, %v\nwant %+v", got, err, crm)
		}
		_, err = db.FindAPIKeyByHash(ctx, "hash-nope")
		wantIs(t, err, ally.ErrNotFound)

		list, err := db.FindAPIKeys(ctx)
		if err != nil || len(list) != 2 || list[0].ID != crm.ID || list[1].ID != cli.ID {
			t.Fatalf("list newest first: %+v, %v", list, err)
		}

		used := base.Add(time.Minute)
		if err := db.TouchAPIKey(ctx, cli.ID, used); err != nil {
			t.Fatal(err)
		}
		if err := db.TouchAPIKey(ctx, cli.ID, base); err != nil { // older: ignored
			t.Fatal(err)
		}
		if err := db.TouchAPIKey(ctx, "key_missing", used); err != nil {
			t.Errorf("touching an unknown key: %v", err)
		}
		got, _ = db.FindAPIKeyByHash(ctx, "hash-cli")
		if !got.LastUsedAt.Equal(used) || got.Revoked() {
			t.Errorf("after touch: %+v", got)
		}

		revoked := base.Add(2 * time.Minute)
		mustWrite(t, db, func(tx ally.Tx) error { return tx.RevokeAPIKey(ctx, cli.ID, revoked) })
		mustWrite(t, db, func(tx ally.Tx) error { return tx.RevokeAPIKey(ctx, cli.ID, revoked.Add(time.Hour)) })
		got, _ = db.FindAPIKeyByHash(ctx, "hash-cli")
		if !got.Revoked() || !got.RevokedAt.Equal(revoked) {
			t.Errorf("after revoke: %+v", got)
		}
		err = db.Write(ctx, func(tx ally.Tx) error { return tx.RevokeAPIKey(ctx, "key_missing", revoked) })
		wantIs(t, err, ally.ErrNotFound)
		if got, _ := db.FindAPIKeyByHash(ctx, "hash-crm"); got.Revoked() {
			t.Error("revoking one key revoked another")
		}
	})
}

func TestUpdateUser(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		u := mustUser(t, db, "ana@vendor.example")
		u.Name, u.Role, u.Disabled, u.PasswordHash = "Ana B.", ally.RoleViewer, true, "argon2id$new"
		u.TOTPSecret, u.TOTPEnabled = "JBSWY3DPEHPK3PXP", true
		u.Notifications = map[string]bool{ally.NotifyActivity: false, ally.NotifyPartnerUpdated: true}
		u.LastSignInAt = now().Add(time.Minute)
		u.UpdatedAt = now().Add(2 * time.Minute)
		u.Email = "Ana.B@Vendor.example" // a confirmed e-mail change, stored lowercase
		want := *u
		want.Email = "ana.b@vendor.example"
		u.CreatedAt = u.CreatedAt.Add(-time.Hour) // created_at is never rewritten
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdateUser(ctx, u) })
		if u.Version != 2 {
			t.Fatalf("version %d after update", u.Version)
		}
		want.Version = 2
		for name, find := range map[string]func() (*ally.User, error){
			"id":     func() (*ally.User, error) { return db.FindUserByID(ctx, u.ID) },
			"e-mail": func() (*ally.User, error) { return db.FindUserByEmail(ctx, "ana.b@vendor.example") },
			"list": func() (*ally.User, error) {
				us, err := db.FindUsers(ctx)
				if err != nil || len(us) != 1 {
					t.Fatalf("list: %d users, %v", len(us), err)
				}
				return us[0], nil
			},
		} {
			if got, err := find(); err != nil || !reflect.DeepEqual(got, &want) {
				t.Errorf("by %s: %+v, %v\nwant %+v", name, got, err, &want)
			}
		}

		other := mustUser(t, db, "bob@vendor.example")
		other.Email = "ana.b@vendor.example"
		err := db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateUser(ctx, other) })
		if ally.ErrorCode(err) != ally.ECodeConflict {
			t.Errorf("taking another user's e-mail: %v, want a conflict", err)
		}

		stale := want
		stale.Version = 1
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateUser(ctx, &stale) }), ally.ErrVersionMismatch)
		if stale.Version != 1 {
			t.Errorf("a failed update changed the version to %d", stale.Version)
		}
		missing := &ally.User{ID: "user_missing", Role: ally.RoleAdmin, Version: 1}
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateUser(ctx, missing) }), ally.ErrNotFound)

		// Every new field is written by create too; an empty map stays empty.
		full := &ally.User{ID: ally.NewID(ally.PrefixUser), Email: "full@vendor.example", Role: ally.RoleOwner,
			TOTPSecret: "SECRET", TOTPEnabled: true, Notifications: map[string]bool{},
			LastSignInAt: now(), CreatedAt: now(), UpdatedAt: now()}
		mustWrite(t, db, func(tx ally.Tx) error { return tx.CreateUser(ctx, full) })
		if got, err := db.FindUserByID(ctx, full.ID); err != nil || !reflect.DeepEqual(got, full) {
			t.Errorf("created: %+v, %v\nwant %+v", got, err, full)
		}
	})
}

package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

func TestPropertyDefinitions(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		mk := func(key string, pos int) *ally.PropertyDefinition {
			return &ally.PropertyDefinition{ID: ally.NewID(ally.PrefixProperty), Key: key, Label: "Label " + key,
				Type: ally.TypeText, Source: ally.SourceCustom, Position: pos, CreatedAt: now(), UpdatedAt: now()}
		}
		industry := mk("industry", 2)
		industry.Type, industry.Source, industry.CRMField = ally.TypeMultiSelect, ally.SourceCRM, "hs_industry"
		industry.Options = []string{"Software", "Hardware", "Ünïcode"}
		size, region, alpha := mk("size", 1), mk("region", 2), mk("alpha", 2)
		mustWrite(t, db, func(tx ally.Tx) error {
			for _, p := range []*ally.PropertyDefinition{industry, size, region, alpha} {
				if err := tx.CreatePropertyDefinition(ctx, p); err != nil {
					return err
				}
			}
			return nil
		})
		if got, err := db.FindPropertyDefinitionByID(ctx, industry.ID); err != nil || !reflect.DeepEqual(got, industry) {
			t.Errorf("find: %+v, %v\nwant %+v", got, err, industry)
		}
		list, err := db.FindPropertyDefinitions(ctx)
		if want := []*ally.PropertyDefinition{size, alpha, industry, region}; err != nil || !reflect.DeepEqual(list, want) {
			t.Errorf("order (position, key): %v, %v", propertyKeys(list), err)
		}

		dup := mk("industry", 9)
		wantError(t, db.Write(ctx, func(tx ally.Tx) error { return tx.CreatePropertyDefinition(ctx, dup) }),
			ally.ECodeConflict, "a property with this key already exists")

		size.Key, size.Label, size.Options, size.Position = "company_size", "Company size", []string{"1-10"}, 7
		size.Type, size.UpdatedAt = ally.TypeSelect, now().Add(time.Hour)
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdatePropertyDefinition(ctx, size) })
		if got, err := db.FindPropertyDefinitionByID(ctx, size.ID); err != nil || !reflect.DeepEqual(got, size) || got.Version != 2 {
			t.Errorf("after update: %+v, %v", got, err)
		}
		stale := *size
		stale.Version = 1
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdatePropertyDefinition(ctx, &stale) }), ally.ErrVersionMismatch)
		taken := *size
		taken.Key = "region"
		wantError(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdatePropertyDefinition(ctx, &taken) }),
			ally.ECodeConflict, "a property with this key already exists")
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdatePropertyDefinition(ctx, mk("ghost", 0)) }), ally.ErrNotFound)

		mustWrite(t, db, func(tx ally.Tx) error { return tx.DeletePropertyDefinition(ctx, region.ID) })
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.DeletePropertyDefinition(ctx, region.ID) }), ally.ErrNotFound)
		_, err = db.FindPropertyDefinitionByID(ctx, region.ID)
		wantIs(t, err, ally.ErrNotFound)
		// Its key is free again.
		mustWrite(t, db, func(tx ally.Tx) error { return tx.CreatePropertyDefinition(ctx, mk("region", 0)) })
	})
}

func propertyKeys(ps []*ally.PropertyDefinition) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Key)
	}
	return out
}

func TestExperienceTemplateSectionsAndProfile(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := &ally.ExperienceTemplate{ID: ally.NewID(ally.PrefixExperienceTemplate), Name: "Resellers",
			Sections: ally.Sections{Dashboard: true, Profile: true, Leads: true, LeadExport: true, Deals: true,
				Invoices: true, DeliverySettings: true},
			Profile: []ally.ProfileField{{Key: ally.CoreName, Editable: true}, {Key: ally.CoreTier},
				{Key: "industry", Editable: true}},
			CreatedAt: now(), UpdatedAt: now()}
		plain := &ally.ExperienceTemplate{ID: ally.NewID(ally.PrefixExperienceTemplate), Name: "Plain",
			Sections: ally.Sections{Leads: true}, CreatedAt: now(), UpdatedAt: now()}
		mustWrite(t, db, func(tx ally.Tx) error {
			if err := tx.CreateExperienceTemplate(ctx, e); err != nil {
				return err
			}
			return tx.CreateExperienceTemplate(ctx, plain)
		})
		for _, want := range []*ally.ExperienceTemplate{e, plain} {
			if got, err := db.FindExperienceTemplateByID(ctx, want.ID); err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("find: %+v, %v\nwant %+v", got, err, want)
			}
		}
		list, err := db.FindExperienceTemplates(ctx)
		if err != nil || !reflect.DeepEqual(list, []*ally.ExperienceTemplate{plain, e}) {
			t.Errorf("list: %+v, %v", list, err)
		}

		// Every section off and an empty (not nil) profile read back as zero and nil.
		e.Sections, e.Profile, e.UpdatedAt = ally.Sections{}, []ally.ProfileField{}, now().Add(time.Hour)
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdateExperienceTemplate(ctx, e) })
		got, err := db.FindExperienceTemplateByID(ctx, e.ID)
		if err != nil || got.Sections != (ally.Sections{}) || got.Profile != nil || got.Version != 2 {
			t.Errorf("after clearing: %+v, %v", got, err)
		}
		e.Sections.Invoices, e.Profile = true, []ally.ProfileField{{Key: ally.CoreWebsite, Editable: true}}
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdateExperienceTemplate(ctx, e) })
		if got, err := db.FindExperienceTemplateByID(ctx, e.ID); err != nil || !reflect.DeepEqual(got, e) {
			t.Errorf("after update: %+v, %v\nwant %+v", got, err, e)
		}
	})
}

func TestSettings(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		got, err := db.FindSettings(ctx)
		if err != nil || !reflect.DeepEqual(got, &ally.Settings{}) {
			t.Fatalf("before any save: %+v, %v", got, err)
		}
		s := &ally.Settings{
			Branding: ally.Branding{VendorName: "Vendør Inc.", LogoURL: "/files/file_1", AccentColor: "#0055aa"},
			SMTP: ally.SMTPSettings{Host: "smtp.example", Port: 587, Username: "ally", Password: "s3cret",
				From: "Ally <ally@vendor.example>"},
			QuietDays: 30,
		}
		mustWrite(t, db, func(tx ally.Tx) error { return tx.SaveSettings(ctx, s) })
		if got, err := db.FindSettings(ctx); err != nil || !reflect.DeepEqual(got, s) {
			t.Errorf("after save: %+v, %v", got, err)
		}
		s2 := &ally.Settings{QuietDays: 60}
		mustWrite(t, db, func(tx ally.Tx) error { return tx.SaveSettings(ctx, s2) })
		if got, err := db.FindSettings(ctx); err != nil || !reflect.DeepEqual(got, s2) {
			t.Errorf("after second save (replaces): %+v, %v", got, err)
		}
	})
}

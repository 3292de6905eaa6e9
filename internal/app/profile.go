package app

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/mail"
)

// JobPartnerUpdated is the job kind queued when a partner edits its
// profile; the CRM sync consumes it.
const JobPartnerUpdated = "partner.updated"

// ProfileView is the Partner Profile section as one partner user sees it.
type ProfileView struct {
	Partner  *ally.Partner
	Template *ally.ExperienceTemplate
	Fields   []ProfileFieldView
}

// ProfileFieldView is one property of the profile, with its current value.
type ProfileFieldView struct {
	Key      string
	Label    string
	Type     ally.PropertyType
	Source   ally.PropertySource
	Options  []string
	Value    string   // for display and single-value inputs
	Values   []string // multi-select
	Editable bool
}

// defaultTemplate applies to partners without an experience template: the
// dashboard and a read-only profile.
var defaultTemplate = ally.ExperienceTemplate{
	Name:     "Default",
	Sections: ally.Sections{Dashboard: true, Profile: true},
	Profile: []ally.ProfileField{
		{Key: ally.CoreName}, {Key: ally.CoreWebsite}, {Key: ally.CoreLogo}, {Key: ally.CoreTier},
		{Key: ally.CoreManager}, {Key: ally.CoreChampion},
	},
}

// PortalTemplate returns the experience template that applies to the
// partner user's organization.
func (a *App) PortalTemplate(ctx context.Context, actor ally.Actor) (*ally.ExperienceTemplate, error) {
	p, err := a.portalPartner(ctx, a.store, actor)
	if err != nil {
		return nil, err
	}
	return effectiveTemplate(ctx, a.store, p)
}

// portalPartner returns the partner user's own organization: always from
// the actor (the session), never from a URL or form.
func (a *App) portalPartner(ctx context.Context, r ally.Reader, actor ally.Actor) (*ally.Partner, error) {
	if actor.Kind != ally.ActorPartner || actor.PartnerID == "" {
		return nil, ally.Errorf(ally.ECodeForbidden, "only partner users have a portal")
	}
	p, err := r.FindPartnerByID(ctx, actor.PartnerID)
	return p, notFound(err, "partner", actor.PartnerID)
}

func effectiveTemplate(ctx context.Context, r ally.Reader, p *ally.Partner) (*ally.ExperienceTemplate, error) {
	if p.ExperienceTemplateID == "" {
		t := defaultTemplate
		return &t, nil
	}
	t, err := r.FindExperienceTemplateByID(ctx, p.ExperienceTemplateID)
	if ally.IsNotFound(err) {
		d := defaultTemplate
		return &d, nil
	}
	return t, err
}

// MyProfile returns the Partner Profile section for a partner user.
func (a *App) MyProfile(ctx context.Context, actor ally.Actor) (*ProfileView, error) {
	p, err := a.portalPartner(ctx, a.store, actor)
	if err != nil {
		return nil, err
	}
	return a.profileView(ctx, a.store, p)
}

func (a *App) profileView(ctx context.Context, r ally.Reader, p *ally.Partner) (*ProfileView, error) {
	t, err := effectiveTemplate(ctx, r, p)
	if err != nil {
		return nil, err
	}
	if !t.Sections.Profile {
		// The template hides the section: no door may read or edit it.
		return nil, ally.Errorf(ally.ECodeNotFound, "your portal does not include the profile section")
	}
	defs, err := r.FindPropertyDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	v := &ProfileView{Partner: p, Template: t}
	for _, pf := range t.Profile {
		def, ok := lookupProperty(defs, pf.Key)
		if !ok {
			continue // a deleted property stops showing
		}
		value, values, err := propertyValue(ctx, r, p, def)
		if err != nil {
			return nil, err
		}
		v.Fields = append(v.Fields, ProfileFieldView{
			Key: def.Key, Label: def.Label, Type: def.Type, Source: def.Source, Options: def.Options, Value: value, Values: values,
			Editable: pf.Editable && (def.Source != ally.SourceCore || ally.PartnerEditableCore(def.Key)),
		})
	}
	return v, nil
}

// propertyValue reads a property of p as text (and as a list for multi-select).
func propertyValue(ctx context.Context, r ally.Reader, p *ally.Partner, def ally.PropertyDefinition) (string, []string, error) {
	switch def.Key {
	case ally.CoreName:
		return p.Name, nil, nil
	case ally.CoreWebsite:
		return p.Website, nil, nil
	case ally.CoreLogo:
		return p.LogoURL, nil, nil
	case ally.CorePhone:
		return p.Phone, nil, nil
	case ally.CoreDescription:
		return p.Description, nil, nil
	case ally.CoreManager:
		if p.Manager != nil {
			return strings.TrimSpace(p.Manager.Name + " <" + p.Manager.Email + ">"), nil, nil
		}
		return "", nil, nil
	case ally.CoreTier:
		if p.TierID == "" {
			return "", nil, nil
		}
		t, err := r.FindTierByID(ctx, p.TierID)
		if ally.IsNotFound(err) {
			return "", nil, nil
		}
		if err != nil {
			return "", nil, err
		}
		return t.Name, nil, nil
	case ally.CoreChampion:
		if p.ChampionContactID == "" {
			return "", nil, nil
		}
		// The reference is read back through findPartnerContact, so a
		// champion id that names another partner's contact (written before
		// references were checked) shows as none, never as that person.
		c, err := findPartnerContact(ctx, r, p.ID, p.ChampionContactID)
		if ally.IsNotFound(err) {
			return "", nil, nil
		}
		if err != nil {
			return "", nil, err
		}
		return c.Name, nil, nil
	}
	m := p.CustomProperties
	if def.Source == ally.SourceCRM {
		m = p.CRMProperties()
	}
	switch x := m[def.Key].(type) {
	case string:
		return x, nil, nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil, nil
	case bool:
		return strconv.FormatBool(x), nil, nil
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return strings.Join(out, ", "), out, nil
	}
	return "", nil, nil
}

// UpdateMyProfile applies a partner user's edit of the Partner Profile.
// Any key that is not an editable property of their template is refused and
// nothing changes, whatever else the request holds. The change is audited,
// put on the timeline, notified to the partner owner and queued for the
// CRM in one transaction.
func (a *App) UpdateMyProfile(ctx context.Context, actor ally.Actor, values map[string][]string, ifVersion *int64) (*ProfileView, error) {
	var view *ProfileView
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		p, err := a.portalPartner(ctx, tx, actor)
		if err != nil {
			return err
		}
		if err := checkVersion(ifVersion, p.Version); err != nil {
			return err
		}
		before, err := a.profileView(ctx, tx, p)
		if err != nil {
			return err
		}
		after := clonePartner(p)
		if err := applyProfile(before.Fields, values, after); err != nil {
			return err
		}
		diff := partnerChanges(p, after)
		if len(diff) == 0 {
			view = before
			return nil
		}
		after.LastActivityAt = a.clock()
		saved, err := a.savePartner(ctx, tx, actor, "partner.profile_updated", after, diff)
		if err != nil {
			return err
		}
		if err := a.afterProfileEdit(ctx, tx, actor, saved, diff); err != nil {
			return err
		}
		view, err = a.profileView(ctx, tx, saved)
		return err
	})
	return view, err
}

// afterProfileEdit writes the timeline entry, the owner's notification and
// the CRM sync job for a partner's own edit.
func (a *App) afterProfileEdit(ctx context.Context, tx ally.Tx, actor ally.Actor, p *ally.Partner, diff map[string]ally.Change) error {
	fields := slices.Sorted(maps.Keys(diff))
	text := actor.Label + " updated the profile: " + strings.Join(fields, ", ")
	if err := a.addActivity(ctx, tx, actor, p.ID, ally.ActivitySystem, text); err != nil {
		return err
	}
	if err := a.notify(ctx, tx, p.OwnerID, ally.NotifyPartnerUpdated, p.Name+": "+text, "/admin/partners/"+p.ID); err != nil {
		return err
	}
	if err := a.mailOwner(ctx, tx, actor, p, diff); err != nil {
		return err
	}
	args, err := json.Marshal(map[string]any{"partnerId": p.ID, "version": p.Version, "changes": diff, "actor": actor.Label})
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, &ally.Job{Kind: JobPartnerUpdated, Args: args, MaxAttempts: 20})
}

// mailOwner e-mails the partner's owner about the partner's own edit,
// unless the owner turned those e-mails off (they are on by default).
func (a *App) mailOwner(ctx context.Context, tx ally.Tx, actor ally.Actor, p *ally.Partner, diff map[string]ally.Change) error {
	if p.OwnerID == "" || a.baseURL() == "" {
		return nil
	}
	owner, err := tx.FindUserByID(ctx, p.OwnerID)
	if ally.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if on, set := owner.Notifications[ally.NotifyPartnerUpdated]; owner.Disabled || (set && !on) {
		return nil
	}
	data := mail.PartnerUpdatedData{PartnerName: p.Name, ActorLabel: actor.Label, Link: a.baseURL() + "/admin/partners/" + p.ID}
	for _, field := range slices.Sorted(maps.Keys(diff)) {
		data.Changes = append(data.Changes, mail.ChangeLine{Field: field, Before: shown(diff[field].Before), After: shown(diff[field].After)})
	}
	return a.enqueueMail(ctx, tx, mail.KindPartnerUpdated, data, owner.Email)
}

// shown renders an audited value for people: text as is, anything else as JSON.
func shown(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		return x
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	return string(b)
}

// applyProfile validates the submitted values against the editable fields and copies them onto p.
func applyProfile(fields []ProfileFieldView, values map[string][]string, p *ally.Partner) error {
	var v ally.Validator
	byKey := map[string]ProfileFieldView{}
	for _, f := range fields {
		byKey[f.Key] = f
	}
	for _, key := range slices.Sorted(maps.Keys(values)) {
		f, ok := byKey[key]
		if !ok || !f.Editable || f.Type == ally.TypeImage {
			v.Add(key, "is read-only")
			continue
		}
		val, err := parseProfileValue(f, values[key])
		if err != "" {
			v.Add(key, "%s", err)
			continue
		}
		setProfileValue(p, f, val)
	}
	if err := v.Err(); err != nil {
		return err
	}
	// The core fields keep the partner's own rules (name length, URL, phone).
	pf := ally.PartnerFields{Name: &p.Name, Website: &p.Website, Phone: &p.Phone, Description: &p.Description}
	return pf.Validate(false)
}

// parseProfileValue checks one submitted value by the property's type and
// returns it as stored (string, float64, bool, []any or nil to clear).
func parseProfileValue(f ProfileFieldView, in []string) (any, string) {
	one := ""
	if len(in) > 0 {
		one = strings.TrimSpace(in[0])
	}
	if !ally.PlainText(one) {
		return nil, "must be text"
	}
	if one == "" && f.Type != ally.TypeMultiSelect && f.Type != ally.TypeBoolean {
		if f.Key == ally.CoreName {
			return nil, "is required"
		}
		return nil, ""
	}
	switch f.Type {
	case ally.TypeNumber:
		n, err := strconv.ParseFloat(one, 64)
		if err != nil {
			return nil, "must be a number"
		}
		return n, ""
	case ally.TypeBoolean:
		return one == "true" || one == "on" || one == "1", ""
	case ally.TypeDate:
		if _, err := time.Parse(time.DateOnly, one); err != nil {
			return nil, "must be a date like 2026-05-08"
		}
	case ally.TypeEmail:
		if !ally.ValidEmail(ally.NormalizeEmail(one)) {
			return nil, "must be a valid e-mail address"
		}
	case ally.TypeURL:
		w := one
		if (&ally.PartnerFields{Website: &w}).Validate(false) != nil {
			return nil, "must be an http or https URL"
		}
	case ally.TypeSelect:
		if !slices.Contains(f.Options, one) {
			return nil, "must be one of the listed options"
		}
	case ally.TypeMultiSelect:
		out := []any{}
		for _, s := range in {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			if !slices.Contains(f.Options, s) {
				return nil, "must be among the listed options"
			}
			out = append(out, s)
		}
		return out, ""
	case ally.TypeLongText:
		if utf8.RuneCountInString(one) > 5000 {
			return nil, "must be at most 5000 characters"
		}
		return one, ""
	}
	if utf8.RuneCountInString(one) > 500 {
		return nil, "must be at most 500 characters"
	}
	return one, ""
}

func setProfileValue(p *ally.Partner, f ProfileFieldView, val any) {
	s, _ := val.(string)
	switch f.Key {
	case ally.CoreName:
		p.Name = s
		return
	case ally.CoreWebsite:
		p.Website = s
		return
	case ally.CorePhone:
		p.Phone = s
		return
	case ally.CoreDescription:
		p.Description = s
		return
	}
	target := &p.CustomProperties
	if f.Source == ally.SourceCRM {
		target = &p.PartnerCRMProperties
	}
	if *target == nil {
		*target = map[string]any{}
	}
	if val == nil {
		delete(*target, f.Key)
	} else {
		(*target)[f.Key] = val
	}
}

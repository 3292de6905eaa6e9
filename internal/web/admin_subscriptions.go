package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// Settings › Webhooks: the vendor's own event subscriptions. Each URL
// gets the events ticked for it, signed with its own secret, through the
// same delivery engine as the partners' leads.

// subForm is a subscription form as typed.
type subForm struct {
	URL, Description string
	Events           []option
	Enabled          bool
}

type subsData struct {
	Subs []*ally.Subscription
	Form subForm
	Errs formErrs
}

type subData struct {
	Sub     *ally.Subscription
	Form    subForm
	Version int64
	Errs    formErrs
}

// eventOptions is the event checkboxes, ticked where picked.
func eventOptions(picked []string) []option {
	out := make([]option, len(ally.Events))
	for i, ev := range ally.Events {
		out[i] = option{Value: ev, Label: ev, Checked: admContains(picked, ev)}
	}
	return out
}

func (s *server) subscriptionList(w http.ResponseWriter, r *http.Request) {
	s.renderSubscriptions(w, r, http.StatusOK, subForm{Events: eventOptions(nil), Enabled: true}, formErrs{})
}

func (s *server) renderSubscriptions(w http.ResponseWriter, r *http.Request, status int, form subForm, e formErrs) {
	subs, err := s.app.Subscriptions(r.Context(), actor(r))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	s.render(w, r, status, "admin/settings_webhooks", view{Title: "Webhooks", Data: subsData{Subs: subs, Form: form, Errs: e}})
}

// subFields reads a subscription form.
func subFields(f *formInput) (ally.SubscriptionFields, subForm) {
	events := f.r.PostForm["event"]
	form := subForm{URL: f.text("url"), Description: f.text("description"), Events: eventOptions(events), Enabled: f.text("enabled") != ""}
	if events == nil {
		events = []string{}
	}
	return ally.SubscriptionFields{URL: &form.URL, Description: &form.Description, Events: &events, Enabled: &form.Enabled}, form
}

// checkSub checks the fields against the subscription they make, so the
// form shows every problem before the application is asked.
func checkSub(cur *ally.Subscription, fields ally.SubscriptionFields) error {
	check := ally.Subscription{}
	if cur != nil {
		check = *cur
	}
	fields.Apply(&check)
	return check.Validate()
}

func (s *server) subscriptionCreate(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	fields, form := subFields(f)
	again := func(status int, e formErrs) { s.renderSubscriptions(w, r, status, form, e) }
	err := checkSub(nil, fields)
	if err == nil {
		var sub *ally.Subscription
		if sub, err = s.app.CreateSubscription(r.Context(), actor(r), fields); err == nil {
			redirect(w, r, "/admin/settings/webhooks/"+sub.ID, "created")
			return
		}
	}
	s.formFailed(w, r, err, again)
}

func (s *server) subscriptionEdit(w http.ResponseWriter, r *http.Request) {
	sub, err := s.app.Subscription(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	form := subForm{URL: sub.URL, Description: sub.Description, Events: eventOptions(sub.Events), Enabled: sub.Enabled}
	s.renderSubscription(w, r, http.StatusOK, sub, form, sub.Version, formErrs{})
}

func (s *server) renderSubscription(w http.ResponseWriter, r *http.Request, status int, sub *ally.Subscription, form subForm, version int64, e formErrs) {
	s.render(w, r, status, "admin/settings_webhook", view{Title: "Webhook " + sub.URL, Data: subData{Sub: sub, Form: form, Version: version, Errs: e}})
}

func (s *server) subscriptionUpdate(w http.ResponseWriter, r *http.Request) {
	sub, err := s.app.Subscription(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	fields, form := subFields(f)
	s.saveSubscription(w, r, f, sub, fields, form, "saved")
}

// subscriptionRotate makes a new signing secret for the subscription.
func (s *server) subscriptionRotate(w http.ResponseWriter, r *http.Request) {
	sub, err := s.app.Subscription(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	form := subForm{URL: sub.URL, Description: sub.Description, Events: eventOptions(sub.Events), Enabled: sub.Enabled}
	s.saveSubscription(w, r, f, sub, ally.SubscriptionFields{RotateSecret: true}, form, "rotated")
}

func (s *server) saveSubscription(w http.ResponseWriter, r *http.Request, f *formInput, sub *ally.Subscription, fields ally.SubscriptionFields, form subForm, flash string) {
	version := f.version()
	again := func(status int, e formErrs) {
		v := sub.Version
		if version != nil {
			v = *version
		}
		s.renderSubscription(w, r, status, sub, form, v, e)
	}
	err := checkSub(sub, fields)
	if err == nil {
		if _, err = s.app.UpdateSubscription(r.Context(), actor(r), sub.ID, fields, version); err == nil {
			redirect(w, r, "/admin/settings/webhooks/"+sub.ID, flash)
			return
		}
	}
	s.formFailed(w, r, err, again)
}

func (s *server) subscriptionDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.app.DeleteSubscription(r.Context(), actor(r), r.PathValue("id")); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	redirect(w, r, "/admin/settings/webhooks", "deleted")
}

package app

import "github.com/allyprm/ally/internal/ally"

// RequireSettingsAccess returns nil when actor may use the admin settings
// (owners, admins and the system), else the 403 to show. Some settings can
// be read by managers through their own use cases (tiers, phases), but the
// settings pages as a whole are the admins', and this is the one place
// that says so.
func (a *App) RequireSettingsAccess(actor ally.Actor) error {
	return requireAdmin(actor, "may open the settings")
}

// RequireScope says whether the actor holds scope, for pages that show a
// form before any use case runs (a new routing rule, a dry run): they
// refuse up front what the use case would refuse on submit.
func (a *App) RequireScope(actor ally.Actor, scope ally.Scope) error {
	return require(actor, scope)
}

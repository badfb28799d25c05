package models

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Role is what a user may do within one tenant.
type Role string

const (
	// RoleManager may do everything in the tenant's panel, users and settings included.
	RoleManager Role = "manager"
	// RoleEditor may edit content.
	RoleEditor Role = "editor"
)

// ValidRole reports whether r is a role of the schema.
func ValidRole(r Role) bool { return r == RoleManager || r == RoleEditor }

// User is an account of the platform. Users are not tenant data: one person
// may belong to several tenants through memberships.
type User struct {
	ID           int64 `gorm:"primaryKey"`
	Email        string
	Name         string
	PasswordHash string
	IsOperator   bool
	// TOTPSecret is the base32 TOTP secret, set while the user confirms it
	// and kept while TOTPEnabled. Stored as is: encrypting it at rest with a
	// key from the environment is a follow-up.
	TOTPSecret   string `gorm:"column:totp_secret"`
	TOTPEnabled  bool   `gorm:"column:totp_enabled"`
	TOTPLastStep int64  `gorm:"column:totp_last_step"` // the last step used: no replay
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Membership makes a user a member of one tenant with a role.
type Membership struct {
	TenantID  int64 `gorm:"primaryKey"`
	UserID    int64 `gorm:"primaryKey"`
	Role      Role
	CreatedAt time.Time
}

// NewUser is the input of CreateUser: an account and its first membership.
type NewUser struct {
	Email        string
	Name         string
	PasswordHash string // already hashed by package auth
	TenantID     int64
	Role         Role
}

// NormalizeEmail lower-cases and trims an email address; addresses are
// compared in this form.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// ValidateEmail checks the shape of an email address.
func ValidateEmail(email string) error {
	switch {
	case email == "":
		return invalid("email", "enter an email address")
	case len(email) > 254:
		return invalid("email", "use an email address of 254 characters or fewer")
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || !strings.Contains(email[strings.LastIndex(email, "@")+1:], ".") {
		return invalid("email", "enter an email address in the correct format, like name@example.nhs.uk")
	}
	return nil
}

// CreateUser creates an account and its membership of one tenant in a
// transaction. An email that already has an account is ErrConflict.
func (d *DB) CreateUser(ctx context.Context, in NewUser) (User, error) {
	in.Email = NormalizeEmail(in.Email)
	if err := ValidateEmail(in.Email); err != nil {
		return User{}, err
	}
	if !ValidRole(in.Role) {
		return User{}, invalid("role", "choose manager or editor")
	}
	if in.PasswordHash == "" {
		return User{}, invalid("password", "enter a password")
	}
	u := User{Email: in.Email, Name: strings.TrimSpace(in.Name), PasswordHash: in.PasswordHash}
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		return tx.Create(&Membership{TenantID: in.TenantID, UserID: u.ID, Role: in.Role}).Error
	})
	if err != nil {
		return User{}, translate("create user "+in.Email, err)
	}
	return u, nil
}

// UserByEmail finds an account by email address, across tenants: sign-in
// looks the account up before it knows whether the user belongs to the host.
func (d *DB) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := d.gorm.WithContext(ctx).Where("email = ?", NormalizeEmail(email)).Take(&u).Error
	return u, translate("user "+email, err)
}

// UserByID loads an account.
func (d *DB) UserByID(ctx context.Context, id int64) (User, error) {
	var u User
	err := d.gorm.WithContext(ctx).Where("id = ?", id).Take(&u).Error
	return u, translate(fmt.Sprintf("user %d", id), err)
}

// SetPasswordHash replaces a user's password hash (a rehash with stronger
// parameters, a reset).
func (d *DB) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	err := d.gorm.WithContext(ctx).Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"password_hash": hash, "updated_at": time.Now().UTC()}).Error
	return translate("set password", err)
}

// Membership returns the user's membership of this tenant; ErrNotFound when
// the user is not a member.
func (t *TenantDB) Membership(userID int64) (Membership, error) {
	var m Membership
	err := t.scoped.Where("user_id = ?", userID).Take(&m).Error
	return m, translate(fmt.Sprintf("membership of user %d", userID), err)
}

// PlatformSecret returns the named random secret shared by every replica,
// creating it (size bytes from gen) the first time it is asked for.
func (d *DB) PlatformSecret(ctx context.Context, name string, gen func() []byte) ([]byte, error) {
	type platformSecret struct {
		Name      string `gorm:"primaryKey"`
		Value     []byte
		CreatedAt time.Time
	}
	db := d.gorm.WithContext(ctx)
	s := platformSecret{Name: name, Value: gen()}
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&s).Error; err != nil {
		return nil, translate("create secret "+name, err)
	}
	var got platformSecret
	if err := db.Where("name = ?", name).Take(&got).Error; err != nil {
		return nil, translate("secret "+name, err)
	}
	return got.Value, nil
}

// Audit actions of two-factor authentication and password reset.
const (
	AuditTwoFactorEnable  = "two-factor.enable"
	AuditTwoFactorDisable = "two-factor.disable"
	AuditPasswordReset    = "password.reset"
)

// recoveryCode is a one-time code that stands in for a TOTP code; CodeHash
// is auth.HashRecoveryCode of it.
type recoveryCode struct {
	UserID   int64  `gorm:"primaryKey"`
	CodeHash string `gorm:"primaryKey"`
	UsedAt   *time.Time
}

func (recoveryCode) TableName() string { return "recovery_codes" }

// SetTOTPSecret stores a new, not yet enabled, secret for the user to
// confirm. It does nothing to a user whose two-factor is already enabled.
func (d *DB) SetTOTPSecret(ctx context.Context, userID int64, secret string) error {
	err := d.gorm.WithContext(ctx).Model(&User{}).Where("id = ? AND NOT totp_enabled", userID).
		Updates(map[string]any{"totp_secret": secret, "totp_last_step": 0, "updated_at": time.Now().UTC()}).Error
	return translate("set totp secret", err)
}

// EnableTOTP turns two-factor on with the pending secret, recording the step
// of the confirming code, and replaces the user's recovery codes by these
// hashes.
func (d *DB) EnableTOTP(ctx context.Context, userID, step int64, codeHashes []string) error {
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&User{}).Where("id = ? AND totp_secret <> ''", userID).
			Updates(map[string]any{"totp_enabled": true, "totp_last_step": step, "updated_at": time.Now().UTC()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return gorm.ErrRecordNotFound
		}
		if err := tx.Where("user_id = ?", userID).Delete(&recoveryCode{}).Error; err != nil {
			return err
		}
		codes := make([]recoveryCode, len(codeHashes))
		for i, h := range codeHashes {
			codes[i] = recoveryCode{UserID: userID, CodeHash: h}
		}
		return tx.Create(&codes).Error
	})
	return translate("enable totp", err)
}

// DisableTOTP turns two-factor off, forgetting the secret and recovery codes.
func (d *DB) DisableTOTP(ctx context.Context, userID int64) error {
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{
			"totp_enabled": false, "totp_secret": "", "totp_last_step": 0, "updated_at": time.Now().UTC()}).Error; err != nil {
			return err
		}
		return tx.Where("user_id = ?", userID).Delete(&recoveryCode{}).Error
	})
	return translate("disable totp", err)
}

// UseTOTPStep records that a code of step was used; false when that step or
// a later one was used already (a replay), atomically across replicas.
func (d *DB) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res := d.gorm.WithContext(ctx).Model(&User{}).Where("id = ? AND totp_last_step < ?", userID, step).
		Update("totp_last_step", step)
	return res.RowsAffected == 1, translate("use totp step", res.Error)
}

// UseRecoveryCode spends one of the user's unused recovery codes; false when
// there is no such unused code.
func (d *DB) UseRecoveryCode(ctx context.Context, userID int64, codeHash string) (bool, error) {
	res := d.gorm.WithContext(ctx).Model(&recoveryCode{}).
		Where("user_id = ? AND code_hash = ? AND used_at IS NULL", userID, codeHash).
		Update("used_at", time.Now().UTC())
	return res.RowsAffected == 1, translate("use recovery code", res.Error)
}

// PasswordReset is a one-time password reset link; TokenHash is the hex
// SHA-256 of the link's token. It belongs to the tenant on whose host it
// was asked for (platform data, like an operator entry: the account is the
// platform's, the link works only on that tenant's host).
type PasswordReset struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    int64
	TenantID  int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// TableName keeps the SQL name explicit.
func (PasswordReset) TableName() string { return "password_resets" }

// ErrResetUnusable means a password reset link was used already or expired.
var ErrResetUnusable = errors.New("password reset link used or expired")

// CreatePasswordResetForTenantID stores a reset link for userID, asked for on
// tenantID's host, valid until expires.
func (d *DB) CreatePasswordResetForTenantID(ctx context.Context, userID, tenantID int64, tokenHash string, now, expires time.Time) error {
	// A map: the tenant guard wants rows of tables with a tenant_id written
	// through a tenant's handle, and this row is the platform's.
	row := map[string]any{"token_hash": tokenHash, "user_id": userID, "tenant_id": tenantID, "created_at": now.UTC(), "expires_at": expires.UTC()}
	return translate("create password reset", d.gorm.WithContext(ctx).Table("password_resets").Create(row).Error)
}

// PasswordResetByTokenForTenantID returns a usable reset link of tenantID: ErrNotFound
// when there is none (another tenant's link is none), ErrResetUnusable when
// it was used or has expired at now.
func (d *DB) PasswordResetByTokenForTenantID(ctx context.Context, tokenHash string, tenantID int64, now time.Time) (PasswordReset, error) {
	var r PasswordReset
	if err := d.gorm.WithContext(ctx).Where("token_hash = ? AND tenant_id = ?", tokenHash, tenantID).Take(&r).Error; err != nil {
		return r, translate("password reset", err)
	}
	if r.UsedAt != nil || !now.Before(r.ExpiresAt) {
		return r, ErrResetUnusable
	}
	return r, nil
}

// ResetPasswordForTenantID consumes a usable reset link of tenantID and sets the
// password hash of its user, in one transaction; every other outstanding
// link of the user is used up too. A link whose user is no longer a member
// of the tenant is unusable. Errors as PasswordResetByToken.
func (d *DB) ResetPasswordForTenantID(ctx context.Context, tokenHash string, tenantID int64, passwordHash string, now time.Time) (User, error) {
	var u User
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var r PasswordReset
		if err := tx.Where("token_hash = ? AND tenant_id = ?", tokenHash, tenantID).Take(&r).Error; err != nil {
			return err
		}
		if r.UsedAt != nil || !now.Before(r.ExpiresAt) {
			return ErrResetUnusable
		}
		var members int64
		if err := tx.Model(&Membership{}).Where("tenant_id = ? AND user_id = ?", tenantID, r.UserID).Count(&members).Error; err != nil {
			return err
		}
		if members == 0 {
			return ErrResetUnusable
		}
		// Only one of two concurrent resets with the same link gets this row.
		res := tx.Model(&PasswordReset{}).Where("token_hash = ? AND used_at IS NULL", tokenHash).Update("used_at", now.UTC())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrResetUnusable
		}
		if err := tx.Model(&PasswordReset{}).Where("user_id = ? AND used_at IS NULL", r.UserID).Update("used_at", now.UTC()).Error; err != nil {
			return err
		}
		if err := tx.Model(&User{}).Where("id = ?", r.UserID).
			Updates(map[string]any{"password_hash": passwordHash, "updated_at": now.UTC()}).Error; err != nil {
			return err
		}
		return tx.Where("id = ?", r.UserID).Take(&u).Error
	})
	if errors.Is(err, ErrResetUnusable) {
		return User{}, err
	}
	return u, translate("reset password", err)
}

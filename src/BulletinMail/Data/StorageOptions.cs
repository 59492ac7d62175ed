using System.ComponentModel.DataAnnotations;

namespace BulletinMail.Data;

/// <summary>Where state lives (<c>Storage</c> in config): SQLite under the data folder, or PostgreSQL.</summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    [Required]
    [RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Storage:Provider must be sqlite or postgres")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>Required for postgres; for sqlite, default <c>bulletinmail.db</c> in the data folder.</summary>
    public string? ConnectionString { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == "postgres" && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                "Storage:ConnectionString is required when Storage:Provider is postgres (from the environment: BULLETINMAIL_Storage__ConnectionString)", ["ConnectionString"]);
        }
    }
}

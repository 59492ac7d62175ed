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
        if (Provider == "postgres")
        {
            // The scale-out store comes with its own issue; until then, say so rather than start half-working.
            yield return new ValidationResult("Storage:Provider postgres is not available in this version; use sqlite", ["Provider"]);
        }
    }
}

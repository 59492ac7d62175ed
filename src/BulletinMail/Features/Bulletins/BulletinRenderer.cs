using System.Text.Encodings.Web;
using System.Text.Unicode;
using BulletinMail.Platform;
using Fluid;

namespace BulletinMail.Features.Bulletins;

/// <summary>The bulletin rendered through its Liquid templates, as text and as HTML.</summary>
public sealed record RenderedBulletin(string Subject, string Text, string Html);

/// <summary>
/// Renders a <see cref="Bulletin"/> with the Liquid templates in <c>config/templates</c>
/// (<c>bulletin.txt.liquid</c>, <c>bulletin.html.liquid</c>; Fluid). They are read at every
/// render, so an editor's change to a template shows at the next preview, without a rebuild.
/// Templates see the model in snake_case: <c>bulletin.sections[0].units[0].paragraph</c>.
/// </summary>
public sealed class BulletinRenderer(IConfiguration configuration)
{
    public const string TextTemplate = "bulletin.txt.liquid";
    public const string HtmlTemplate = "bulletin.html.liquid";

    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = CreateOptions();

    // Chinese stays Chinese in the HTML (no &#x...; escapes); markup characters are still encoded.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    public string TemplateDirectory { get; } = AppPaths.ConfigRelativePath(configuration, configuration["Digest:Templates"] is { Length: > 0 } dir ? dir : "templates");

    /// <exception cref="InvalidDataException">A template is missing or does not parse (the message says where).</exception>
    public async Task<RenderedBulletin> RenderAsync(Bulletin bulletin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bulletin);
        var text = await RenderAsync(TextTemplate, bulletin, NullEncoder.Default, cancellationToken);
        var html = await RenderAsync(HtmlTemplate, bulletin, Html, cancellationToken);
        return new RenderedBulletin(bulletin.Subject, text, html);
    }

    private async Task<string> RenderAsync(string name, Bulletin bulletin, TextEncoder encoder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(TemplateDirectory, name);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"the template {path} does not exist (Digest:Templates)");
        }

        var source = await File.ReadAllTextAsync(path, cancellationToken);
        if (!Parser.TryParse(source, out var template, out var error))
        {
            throw new InvalidDataException($"the template {name} does not parse: {error}");
        }

        var context = new TemplateContext(Options);
        context.SetValue("bulletin", bulletin);
        return await template.RenderAsync(context, encoder);
    }

    private static TemplateOptions CreateOptions()
    {
        var options = new TemplateOptions();
        options.MemberAccessStrategy.MemberNameStrategy = MemberNameStrategies.SnakeCase;
        options.MemberAccessStrategy.Register<Bulletin>();
        options.MemberAccessStrategy.Register<BulletinClause>();
        options.MemberAccessStrategy.Register<BulletinUnit>();
        options.MemberAccessStrategy.Register<BulletinSection>();
        options.MemberAccessStrategy.Register<BulletinEditorial>();
        options.MemberAccessStrategy.Register<BulletinFooter>();
        return options;
    }
}

using System.Net;
using System.Net.Sockets;

namespace BulletinMail.Web;

/// <summary>
/// <c>Web:KnownProxies</c>: the reverse proxies (addresses or CIDR networks) in front of the web UI,
/// as a list or one string separated by commas or spaces. Only these are believed when they say,
/// in X-Forwarded-For and X-Forwarded-Proto, who the client is and that it came over TLS; then
/// every cookie is <c>Secure</c> and the rate limits count the client's address, not the proxy's.
/// </summary>
internal sealed record KnownProxies(IReadOnlyList<IPNetwork> Networks)
{
    public const string Key = "Web:KnownProxies";

    public bool Any => Networks.Count > 0;

    /// <exception cref="InvalidDataException">An entry is neither an IP address nor a CIDR network.</exception>
    public static KnownProxies From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Key);
        IEnumerable<string> values = section.Value is { } one ? [one] : section.GetChildren().Select(c => c.Value ?? string.Empty);
        var networks = new List<IPNetwork>();
        foreach (var entry in values.SelectMany(v => v.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (IPAddress.TryParse(entry, out var address))
            {
                networks.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else if (IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else
            {
                throw new InvalidDataException($"{Key}: \"{entry}\" is neither an IP address nor a CIDR network (such as 10.0.0.0/8, host bits zero)");
            }
        }

        return new KnownProxies(networks);
    }
}

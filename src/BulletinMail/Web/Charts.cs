using System.Globalization;
using System.Text;
using BulletinMail.Features.Parsing;
using Microsoft.AspNetCore.Html;

namespace BulletinMail.Web;

/// <summary>Small charts drawn on the server as SVG: no chart script in the browser.</summary>
public static class Charts
{
    private const int BarWidth = 8;
    private const int Gap = 2;
    private const int Height = 24;

    /// <summary>One bar per month, oldest first, the last being <paramref name="last"/>; each bar titled with its month and count.</summary>
    public static IHtmlContent MonthlyBars(IReadOnlyList<int> counts, Period last)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var max = Math.Max(1, counts.Count == 0 ? 1 : counts.Max());
        var width = counts.Count * (BarWidth + Gap);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" width=\"{width}\" height=\"{Height}\" viewBox=\"0 0 {width} {Height}\" role=\"img\">");
        for (var i = 0; i < counts.Count; i++)
        {
            var month = last.AddMonths(i - counts.Count + 1);
            var height = counts[i] == 0 ? 1 : Math.Max(2, (int)Math.Round(counts[i] * (double)Height / max));
            var css = i == counts.Count - 1 ? "now" : counts[i] == 0 ? "zero" : "bar";
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"{css}\" x=\"{i * (BarWidth + Gap)}\" y=\"{Height - height}\" width=\"{BarWidth}\" height=\"{height}\"><title>{month}: {counts[i]}</title></rect>");
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString()); // numbers and periods only: nothing from mail
    }
}

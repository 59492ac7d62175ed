using System.CommandLine;
using System.Globalization;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Parsing;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.Cli;

/// <param name="Paused">Why sending is paused (the relay's words), until it is resumed; null when it is not.</param>
public sealed record DigestStatusJson(string Period, int? Number, string State, int Sent, int Failed, int Pending, string? Paused);

/// <summary><c>digest compile|approve|send|status</c>: the monthly bulletin from the shell.</summary>
internal static class DigestCommand
{
    public static Command Create() => new("digest", "The monthly bulletin: compile, approve, send, status")
    {
        Compile(), Approve(), Send(), Status(),
    };

    private static Option<string> PeriodOption() => new("--period") { Description = "the period, YYYY-MM", Required = true };

    private static Period ReadPeriod(ParseResult parseResult, Option<string> option) =>
        Period.TryParse(parseResult.GetRequiredValue(option), out var period) ? period : throw new CliException($"--period '{parseResult.GetValue(option)}' is not YYYY-MM");

    private static Command Compile()
    {
        var period = PeriodOption();
        var format = OutputFormat.Create("text", "html", "eml");
        var output = new Option<string?>("--out") { Description = "write to this file instead of stdout" };
        var command = new Command("compile", "Compile the period's approved entries into its issue (a draft; recompiling replaces it)") { period, format, output };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            var workflow = services.GetRequiredService<DigestWorkflow>();
            CompiledIssue compiled;
            try
            {
                compiled = (await workflow.CompileAsync(ReadPeriod(parseResult, period), CliContext.Actor, allowEmpty: true, cancellationToken))!;
            }
            catch (IssueFrozenException ex)
            {
                throw new CliException(ex.Message, ex);
            }

            var issue = compiled.Issue;
            var approval = compiled.ApprovalWithdrawn
                ? $"; the content changed since it was approved: approval withdrawn (digest approve --period {issue.Period} to approve it again)"
                : compiled.ApprovalKept ? "; the content is unchanged: still approved" : string.Empty;
            await Console.Error.WriteLineAsync($"issue {issue.Number} ({issue.Period}): {issue.State}, {issue.EntryCount} entries{approval}");
            var destination = parseResult.GetValue(output);
            await using var stream = destination is null ? Console.OpenStandardOutput() : File.Create(destination);
            switch (parseResult.GetRequiredValue(format))
            {
                case "eml":
                    await workflow.Sample(issue, "subscriber@example.org").WriteToAsync(stream, cancellationToken);
                    break;
                default:
                    await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(workflow.Preview(issue, html: parseResult.GetRequiredValue(format) == "html")), cancellationToken);
                    break;
            }

            return 0;
        });
        return command;
    }

    private static Command Approve()
    {
        var period = PeriodOption();
        var command = new Command("approve", "Approve the period's compiled draft for sending") { period };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            var p = ReadPeriod(parseResult, period);
            var issue = await services.GetRequiredService<IssueStore>().GetAsync(p.ToString(), cancellationToken)
                ?? throw new CliException($"no issue has been compiled for {p}: run digest compile --period {p}");
            if (!await services.GetRequiredService<DigestWorkflow>().ApproveAsync(p, CliContext.Actor, cancellationToken) && issue.State == IssueState.Draft)
            {
                throw new CliException($"issue {issue.Number} could not be approved");
            }

            await Console.Error.WriteLineAsync($"issue {issue.Number} ({p}): {(issue.State == IssueState.Draft ? IssueState.Approved : issue.State)}");
            return 0;
        });
        return command;
    }

    private static Command Send()
    {
        var period = PeriodOption();
        var noWait = new Option<bool>("--no-wait") { Description = "when another live sender holds the issue, exit 2 instead of waiting for it" };
        var command = new Command("send", "Send the approved issue to every active subscriber; after a crash or a pause, resumes") { period, noWait };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            var p = ReadPeriod(parseResult, period);
            var sender = services.GetRequiredService<BulletinSender>();

            // Running send is the operator telling us the cause of a pause is fixed.
            if (await services.GetRequiredService<IssueStore>().GetAsync(p.ToString(), cancellationToken) is { } issue
                && await services.GetRequiredService<DeliveryStore>().ResumeAsync(issue.Id, CliContext.Actor, cancellationToken) is { } pausedFor)
            {
                await Console.Error.WriteLineAsync($"resuming the send paused because {pausedFor}");
            }

            var onTerminal = !Console.IsErrorRedirected;
            var progress = new Progress<DeliveryCounts>(c =>
            {
                var done = c.Sent + c.Failed;
                if (onTerminal)
                {
                    const int width = 30;
                    var filled = c.Total == 0 ? width : done * width / c.Total;
                    Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\r[{new string('#', filled)}{new string('.', width - filled)}] {done}/{c.Total}  sent {c.Sent}  failed {c.Failed}  pending {c.Pending}   "));
                }
                else
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"digest send: {done}/{c.Total} done, sent {c.Sent}, failed {c.Failed}, pending {c.Pending}"));
                }
            });

            // Another live sender holds the issue: wait for it to finish, or to fall silent (then
            // this run takes over), saying so once; never exit 0 having done nothing unasked.
            var report = await sender.SendAsync(p.ToString(), CliContext.Actor, progress, cancellationToken);
            if (report.Outcome == SendOutcome.Busy && parseResult.GetValue(noWait))
            {
                await Console.Error.WriteLineAsync($"{report.Detail}: not waiting (--no-wait)");
                return 2;
            }

            if (report.Outcome == SendOutcome.Busy)
            {
                await Console.Error.WriteLineAsync($"{report.Detail}; waiting for it to finish or fall silent (Ctrl-C to stop; --no-wait not to wait)");
                while (report.Outcome == SendOutcome.Busy)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                    report = await sender.SendAsync(p.ToString(), CliContext.Actor, progress, cancellationToken);
                }
            }

            if (onTerminal)
            {
                await Console.Error.WriteLineAsync();
            }

            var c = report.Counts;
            var summary = string.Create(CultureInfo.InvariantCulture, $"sent {c.Sent}, failed {c.Failed}, pending {c.Pending}");
            switch (report.Outcome)
            {
                case SendOutcome.NotReady:
                    throw new CliException(report.Detail ?? "the issue is not ready to send");
                case SendOutcome.Paused:
                    throw new CliException($"sending paused: {report.Detail} ({summary}). No subscriber was charged a bounce for it. Fix the cause, then run digest send again to resume");
                case SendOutcome.AlreadySent:
                    await Console.Error.WriteLineAsync($"already sent ({summary})");
                    break;
                case SendOutcome.RetriesPending:
                    await Console.Error.WriteLineAsync($"{summary}; {c.Retry} to retry from {report.NextRetry:u} (the worker retries them; or run digest send again)");
                    break;
                default:
                    await Console.Error.WriteLineAsync($"sent: {summary}");
                    break;
            }

            return 0;
        });
        return command;
    }

    private static Command Status()
    {
        var period = PeriodOption();
        var format = OutputFormat.Create("text", "json");
        var command = new Command("status", "The period's issue: number, state, and deliveries sent, failed, pending") { period, format };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            var p = ReadPeriod(parseResult, period);
            var issue = await services.GetRequiredService<IssueStore>().GetAsync(p.ToString(), cancellationToken);
            var counts = issue is null ? new DeliveryCounts(0, 0, 0, 0) : await services.GetRequiredService<DeliveryStore>().CountsAsync(issue.Id, cancellationToken);
            var paused = issue is null ? null : await services.GetRequiredService<DeliveryStore>().PausedAsync(issue.Id, cancellationToken);
            var status = new DigestStatusJson(p.ToString(), issue?.Number, issue?.State ?? "none", counts.Sent, counts.Failed, counts.Pending, paused);
            if (parseResult.GetRequiredValue(format) == "json")
            {
                await CliOutput.WriteJsonAsync(status, CliJsonContext.Readable.DigestStatusJson, cancellationToken);
            }
            else
            {
                var text = string.Create(CultureInfo.InvariantCulture,
                    $"issue {status.Number?.ToString(CultureInfo.InvariantCulture) ?? "-"} ({status.Period}): {status.State}{(paused is null ? string.Empty : ", paused")}; sent {status.Sent}, failed {status.Failed}, pending {status.Pending}\n");
                await CliOutput.WriteTextAsync(paused is null ? text : $"{text}paused: {paused}; resume with digest send --period {status.Period}\n", cancellationToken);
            }

            return 0;
        });
        return command;
    }
}

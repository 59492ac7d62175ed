using System.CommandLine;
using BulletinMail.Features.Extraction;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Units;
using BulletinMail.Data;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Intake;
using BulletinMail.Hosting;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.Extensions.Options;

namespace BulletinMail.Cli;

/// <summary><c>run</c> (also with no command): the worker and its web endpoints, until stopped.</summary>
internal static class RunCommand
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public static Command Create()
    {
        var command = new Command("run", "Run the worker: polling, scheduled jobs and the web UI (default command)");
        command.SetAction(RunAsync);
        return command;
    }

    public static async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var configuration = CliContext.Configuration(parseResult);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls(configuration["Web:Urls"] is { Length: > 0 } urls ? urls : DefaultUrls);
        builder.Services.AddStartupSummary().AddUnitRegistry(configuration).AddReportParser().AddExtraction()
            .AddStorage().AddIntake().AddOutbound().AddJobs(configuration);

        await using var app = builder.Build();

        // Bad configuration stops start-up with one clear line, before the host logs a stack trace.
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        app.MapGet("/healthz", async (IntakeHealth health, CancellationToken ct) =>
        {
            var report = await health.ReadAsync(ct);
            return Results.Json(report, CliJsonContext.Readable.IntakeHealthReport, statusCode: report.Healthy ? 200 : 503);
        });

        // Admins only once accounts exist (the review issue); until then, only from this machine.
        app.UseHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [new LocalRequestsOnlyAuthorizationFilter()] });
        await app.RunAsync(cancellationToken);
        return 0;
    }
}

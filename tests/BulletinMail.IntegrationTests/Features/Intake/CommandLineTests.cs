using System.Diagnostics;
using System.Text;
using System.Text.Json;
using BulletinMail.Features.Intake;

namespace BulletinMail.IntegrationTests.Features.Intake;

/// <summary>The DESIGN.md command-line contracts of intake, through the real executable on a fresh data folder.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"bm-cli-{Guid.NewGuid():N}")).FullName;

    [Fact]
    public async Task EntriesImport_StoresBulletinOnce_AsPendingEntries()
    {
        var bulletin = Path.Combine(IntakeHarness.Fixtures, "bulletin-021.txt");

        var first = await RunAsync("entries", "import", bulletin, "--period", "2016-06");
        var second = await RunAsync("entries", "import", bulletin, "--period", "2016-06");
        var list = await RunAsync("entries", "list", "--period", "2016-06", "--format", "json");

        Assert.Equal(0, first.Exit);
        Assert.Contains("91 entries pending review", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("already imported", second.Stdout, StringComparison.Ordinal);
        using var entries = JsonDocument.Parse(list.Stdout);
        var rows = entries.RootElement.EnumerateArray().ToList();
        Assert.Equal(91, rows.Count);
        var entry = rows.First(r => r.GetProperty("unit").GetString() == "永川区");
        foreach (var field in (string[])["id", "period", "status", "submission", "unit", "section", "date", "text", "confidence", "warnings"])
        {
            Assert.True(entry.TryGetProperty(field, out _), $"entries list lacks '{field}'");
        }

        Assert.Equal("pending", entry.GetProperty("status").GetString());
        Assert.Equal("2016-06-15", entry.GetProperty("date").GetProperty("start").GetString());
    }

    [Fact]
    public async Task Approve_ChangesStatus_AndIsAudited()
    {
        var bulletin = Path.Combine(IntakeHarness.Fixtures, "bulletin-021.txt");
        await RunAsync("entries", "import", bulletin, "--period", "2016-06");

        var approve = await RunAsync("entries", "approve", "--period", "2016-06", "--all");
        var again = await RunAsync("entries", "approve", "--period", "2016-06", "--all");
        var reject = await RunAsync("entries", "reject", "1");
        var pending = await RunAsync("entries", "list", "--status", "approved", "--format", "json");

        Assert.Contains("91 entries approved", approve.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 entries approved", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 entries rejected", reject.Stdout, StringComparison.Ordinal);
        using var approved = JsonDocument.Parse(pending.Stdout);
        Assert.Equal(90, approved.RootElement.GetArrayLength());
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(root, "data", "bulletinmail.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM audit_log WHERE actor LIKE 'cli:%'";
        Assert.Equal(92L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task SubmissionsAndUnits_PrintTheContractFields()
    {
        var mailbox = Path.Combine(root, "data", "mailbox"); // the embedded default, so that status reports on it
        var add = await RunAsync("units", "add", "苏州市", "--sender", "report@suzhou.example.org");
        await BulletinMail.Features.Intake.MaildirMailbox.DeliverAsync(mailbox, await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "eml", "docx-attachment.eml")), CancellationToken.None);
        var ingest = await RunAsync("ingest", "--once", "--format", "json");
        var list = await RunAsync("submissions", "list", "--format", "json");
        var show = await RunAsync("submissions", "show", "1", "--format", "json");
        var units = await RunAsync("units", "list", "--format", "json");
        var status = await RunAsync("status", "--format", "json");
        var badSender = await RunAsync("units", "add", "X", "--sender", "not-an-address");

        Assert.Equal(0, add.Exit);
        Assert.Equal(0, ingest.Exit);
        using (var summary = JsonDocument.Parse(ingest.Stdout))
        {
            Assert.Equal(1, summary.RootElement.GetProperty("recorded").GetInt32());
        }

        using (var submissions = JsonDocument.Parse(list.Stdout))
        {
            var row = Assert.Single(submissions.RootElement.EnumerateArray());
            foreach (var field in (string[])["id", "messageId", "from", "subject", "receivedAt", "status", "reason", "unit", "period", "entryCount"])
            {
                Assert.True(row.TryGetProperty(field, out _), $"submissions list lacks '{field}'");
            }

            Assert.Equal("parsed", row.GetProperty("status").GetString());
        }

        using (var detail = JsonDocument.Parse(show.Stdout))
        {
            Assert.Contains("召开学会工作座谈会", detail.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
            var attachment = Assert.Single(detail.RootElement.GetProperty("attachments").EnumerateArray());
            Assert.Equal("read", attachment.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Array, detail.RootElement.GetProperty("warnings").ValueKind);
        }

        using (var registry = JsonDocument.Parse(units.Stdout))
        {
            Assert.Contains(registry.RootElement.EnumerateArray(), u => u.GetProperty("name").GetString() == "苏州市"
                && u.GetProperty("senders").EnumerateArray().Any(s => s.GetString() == "report@suzhou.example.org"));
        }

        Assert.Equal(0, status.Exit);
        Assert.Equal(1, badSender.Exit);
        Assert.StartsWith("error: --sender", badSender.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EverythingTheCommandsCreate_IsPrivateToTheirUser_WhateverTheUmask()
    {
        // A data folder as an older version left it, readable by all (this test process's umask is not the worker's).
        var data = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        File.SetUnixFileMode(data, (UnixFileMode)0b111_101_101);
        var old = Path.Combine(data, "left-by-an-old-version.txt");
        await File.WriteAllTextAsync(old, "x");
        File.SetUnixFileMode(old, (UnixFileMode)0b110_100_100);
        await BulletinMail.Features.Intake.MaildirMailbox.DeliverAsync(Path.Combine(data, "mailbox"), await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "eml", "docx-attachment.eml")), CancellationToken.None);

        Assert.Equal(0, (await RunAsync("units", "add", "苏州市", "--sender", "report@suzhou.example.org")).Exit);
        Assert.Equal(0, (await RunAsync("ingest", "--once")).Exit);
        Assert.Equal(0, (await RunAsync("entries", "import", Path.Combine(IntakeHarness.Fixtures, "bulletin-021.txt"), "--period", "2016-06")).Exit);

        var files = Directory.GetFiles(data, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.Contains($"{Path.DirectorySeparatorChar}originals{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        Assert.Contains(files, f => f.Contains($"{Path.DirectorySeparatorChar}outbox{Path.DirectorySeparatorChar}", StringComparison.Ordinal)); // the acknowledgement
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), $"{f} is {File.GetUnixFileMode(f)}"));
        Assert.All([data, .. Directory.GetDirectories(data, "*", SearchOption.AllDirectories)], d => Assert.True(
            File.GetUnixFileMode(d) == (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), $"{d} is {File.GetUnixFileMode(d)}"));
    }

    private Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args) => CliProcess.RunAsync(Path.Combine(root, "data"), null, args);

    public void Dispose()
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

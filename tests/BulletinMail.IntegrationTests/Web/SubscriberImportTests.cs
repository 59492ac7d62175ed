using System.Globalization;
using System.Net;
using System.Text;
using BulletinMail.Data;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Extraction;
using BulletinMail.Features.Review;
using BulletinMail.Features.Subscribers;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.IntegrationTests.Web;

/// <summary>
/// Subscriber lists imported through the web server and the command line: previewed, applied on
/// confirmation (issue 12 item 3), big ones as a job with progress (issue 15 item 11).
/// </summary>
public sealed class SubscriberImportTests : IAsyncLifetime
{
    private WebHarness web = null!;

    public async Task InitializeAsync() => web = await WebHarness.StartAsync();

    public async Task DisposeAsync() => await web.DisposeAsync();

    private T Get<T>() where T : notnull => web.Services.GetRequiredService<T>();

    private Task<Subscriber?> FindAsync(string email) => Get<SubscriberStore>().FindAsync(email, CancellationToken.None);

    /// <summary>Uploads a list as the page's form does; returns where the server sent the browser.</summary>
    internal static async Task<string> UploadAsync(HttpClient client, byte[] csv, string fileName)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(await WebHarness.TokenAsync(client, "/subscribers")), "__RequestVerificationToken" },
            { new ByteArrayContent(csv), "file", fileName },
        };
        var response = await client.PostAsync(new Uri("/subscribers?handler=import", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    private static void ContainsAll(string text, params string[] parts) =>
        Assert.All(parts, part => Assert.Contains(part, text, StringComparison.Ordinal));

    private async Task<long> AuditedAsync(string action)
    {
        await using var connection = await Get<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = @action", new { action });
    }

    [Fact]
    public async Task Import_ShowsThePreview_AndAppliesOnlyWhenConfirmed()
    {
        var store = Get<SubscriberStore>();
        await store.AddAsync("old@example.org", "旧名", "test", "test", CancellationToken.None);
        var gone = await store.AddAsync("gone@example.org", "走了", "test", "test", CancellationToken.None);
        await store.UnsubscribeAsync(gone.Id, "test", CancellationToken.None);
        using var client = await web.SignedInAsync();

        // Chinese Excel's CSV: GBK, Chinese headers, the name column first.
        var csv = TextDecoder.Gb18030.GetBytes("姓名,邮箱\r\n新人,new@example.org\r\n新名,old@example.org\r\n走了,gone@example.org\r\n无名,not-an-address\r\n");
        var preview = await UploadAsync(client, csv, "名单.csv");
        Assert.StartsWith("/subscribers?import=", preview, StringComparison.Ordinal);
        var page = await client.GetStringAsync(new Uri(preview, UriKind.Relative));

        ContainsAll(page, "导入预览", "gb18030", "新人", "旧名", "姓名变更", "保持退订", "not-an-address", "不是有效的邮箱地址");
        Assert.Null(await FindAsync("new@example.org"));
        Assert.Equal("旧名", (await FindAsync("old@example.org"))!.Name);

        var token = preview["/subscribers?import=".Length..];
        using var forged = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token });
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync(new Uri("/subscribers?handler=confirm", UriKind.Relative), forged)).StatusCode);
        Assert.Null(await FindAsync("new@example.org"));

        await WebHarness.PostFormAsync(client, preview, "/subscribers?handler=confirm", new Dictionary<string, string> { ["token"] = token });
        Assert.Equal(("新人", SubscriberStatus.Active), ((await FindAsync("new@example.org"))!.Name, (await FindAsync("new@example.org"))!.Status));
        Assert.Equal("新名", (await FindAsync("old@example.org"))!.Name);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await FindAsync("gone@example.org"))!.Status);
        Assert.Contains("1 新增, 1 姓名变更", await client.GetStringAsync(new Uri("/subscribers", UriKind.Relative)), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(web.DataDirectory, "imports", $"{token}.csv")));

        // A second click on the same confirmation does nothing twice.
        await WebHarness.PostFormAsync(client, "/subscribers", "/subscribers?handler=confirm", new Dictionary<string, string> { ["token"] = token });
        Assert.Contains("此次导入已执行或已丢弃", await client.GetStringAsync(new Uri("/subscribers", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Equal(1, await AuditedAsync("subscriber.renamed"));
    }

    [Fact]
    public async Task APreviewNobodyConfirmed_IsDroppedAfterADay()
    {
        var imports = Get<SubscriberImports>();
        var old = await imports.KeepAsync("email\nold@example.org\n"u8.ToArray(), "old.csv", "test", CancellationToken.None);
        await using (var connection = await Get<DbConnectionFactory>().OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("UPDATE subscriber_imports SET created_at = @at WHERE token = @Token", new { at = DateTimeOffset.UtcNow.AddHours(-25), old.Token });
        }

        var recent = await imports.KeepAsync("email\nnew@example.org\n"u8.ToArray(), "new.csv", "test", CancellationToken.None);

        Assert.Null(await imports.GetAsync(old.Token, CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(web.DataDirectory, "imports", $"{old.Token}.csv")));
        Assert.True(File.Exists(Path.Combine(web.DataDirectory, "imports", $"{recent.Token}.csv")));
    }

    [Fact]
    public async Task Import_NamesTheExpectedHeaders_InTheUiLanguage()
    {
        using var client = await web.SignedInAsync();
        await UploadAsync(client, "address,who\na@example.org,x\n"u8.ToArray(), "list.csv");
        Assert.Contains("第一行须写明各列", await client.GetStringAsync(new Uri("/subscribers", UriKind.Relative)), StringComparison.Ordinal);

        using var english = web.Client("en");
        await WebHarness.SignInAsync(english, WebHarness.EditorName, WebHarness.Password);
        await UploadAsync(english, "address,who\na@example.org,x\n"u8.ToArray(), "list.csv");
        Assert.Contains("The first line must name the columns", await english.GetStringAsync(new Uri("/subscribers", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEditor_CorrectsASubscribersName()
    {
        await Get<SubscriberStore>().AddAsync("misnamed@example.org", "����", "test", "test", CancellationToken.None);
        using var client = await web.SignedInAsync();

        var response = await WebHarness.PostFormAsync(client, "/subscribers?edit=misnamed%40example.org", "/subscribers?handler=rename",
            new Dictionary<string, string> { ["email"] = "misnamed@example.org", ["name"] = "王五" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("王五", (await FindAsync("misnamed@example.org"))!.Name);
        Assert.Equal(1, await AuditedAsync("subscriber.renamed"));
    }

    [Fact]
    public async Task ABigImport_RunsAsAJobWithProgress_AndAppliesEachRowOnce()
    {
        const int count = 20_000;
        static byte[] List(string name)
        {
            var csv = new StringBuilder("email,name\n");
            for (var i = 0; i < count; i++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"reader{i:00000}@big.example.org,{name}{i}\n");
            }

            return Encoding.UTF8.GetBytes(csv.ToString());
        }

        using var client = await web.SignedInAsync();
        var imports = Get<SubscriberImports>();

        // Through the page: the preview, then the job; its progress is recorded as it goes.
        var preview = await UploadAsync(client, List("读者"), "big.csv");
        var token = preview["/subscribers?import=".Length..];
        Assert.Contains("后台导入", await client.GetStringAsync(new Uri(preview, UriKind.Relative)), StringComparison.Ordinal);
        await WebHarness.PostFormAsync(client, preview, "/subscribers?handler=confirm", new Dictionary<string, string> { ["token"] = token });
        var seen = new SortedSet<long>();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        SubscriberImport import;
        while ((import = (await imports.GetAsync(token, CancellationToken.None))!).State != SubscriberImports.Done && DateTime.UtcNow < deadline)
        {
            seen.Add(import.Done);
            await Task.Delay(2); // often enough to see the job between two of its 40 batches
        }

        Assert.True(import.State == SubscriberImports.Done, $"the import is {import.State} at {import.Done} after 120 s; jobs: {web.Jobs()}");
        Assert.Contains(seen, done => done is > 0 and < count);
        Assert.Equal((count, count, 0L), (import.Done, import.Added, import.Unchanged));

        // Hangfire may run it again: nothing happens twice.
        await imports.RunAsync(token, CancellationToken.None);
        Assert.Equal(count, (await imports.GetAsync(token, CancellationToken.None))!.Added);
        Assert.Equal(count, (await Get<SubscriberStore>().CountsAsync(CancellationToken.None))[SubscriberStatus.Active]);
        Assert.Equal(count, await AuditedAsync("subscriber.active"));

        // A run stopped midway shows its progress, and runs after it finish the rest once.
        var renames = await imports.KeepAsync(List("更名"), "renames.csv", "test", CancellationToken.None);
        Assert.True(await imports.ConfirmAsync(renames.Token, CancellationToken.None));
        using (var stop = new CancellationTokenSource())
        {
            var run = imports.RunAsync(renames.Token, stop.Token);
            while ((await imports.GetAsync(renames.Token, CancellationToken.None))!.Done == 0)
            {
                await Task.Delay(5);
            }

            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        }

        var stopped = (await imports.GetAsync(renames.Token, CancellationToken.None))!;
        Assert.InRange(stopped.Done, 1, count - 1);
        var page = await client.GetStringAsync(new Uri("/subscribers", UriKind.Relative));
        Assert.Contains($"<progress value=\"{stopped.Done}\" max=\"{count}\">", page, StringComparison.Ordinal);
        Assert.Contains($"{stopped.Done:N0} / {count:N0}", page, StringComparison.Ordinal);

        await imports.RunAsync(renames.Token, CancellationToken.None);
        await imports.RunAsync(renames.Token, CancellationToken.None);
        Assert.Equal((count, count), ((await imports.GetAsync(renames.Token, CancellationToken.None))!.Done, (await imports.GetAsync(renames.Token, CancellationToken.None))!.Renamed));
        Assert.Equal(count, await AuditedAsync("subscriber.renamed"));
        Assert.Equal("更名123", (await FindAsync("reader00123@big.example.org"))!.Name);
    }

    [Fact]
    public async Task ASend_WaitsForTheCount_WhenTheListGrewALot()
    {
        await web.ImportBulletinAsync();
        await Get<EntryStore>().SetStatusAsync([], "2016-06", EntryStore.Approved, "test", CancellationToken.None);
        var csv = "email\n" + string.Concat(Enumerable.Range(0, 501).Select(i => $"r{i}@example.org\n"));
        await Get<SubscriberImports>().ImportAsync(Encoding.UTF8.GetBytes(csv), "list.csv", "test", CancellationToken.None);
        using var client = await web.SignedInAsync();
        await WebHarness.PostFormAsync(client, "/digest?period=2016-06", "/digest?period=2016-06&handler=compile", new Dictionary<string, string>());
        await WebHarness.PostFormAsync(client, "/digest?period=2016-06", "/digest?period=2016-06&handler=approve", new Dictionary<string, string>());
        // 501 subscribers, and none before: more than 20 % and 500 more than the last issue reached.
        // The send's confirmation asks for the count; a wrong one sends nothing.
        var asked = await WebHarness.PostFormAsync(client, "/digest?period=2016-06", "/digest?period=2016-06&handler=send", new Dictionary<string, string>());
        Assert.Contains("0 → 501", await asked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var wrong = await WebHarness.PostFormAsync(client, "/digest?period=2016-06", "/digest?period=2016-06&handler=send", new Dictionary<string, string> { ["confirm"] = "true", ["confirmCount"] = "500" });
        Assert.Contains("请确认收件的订阅者人数", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(IssueState.Approved, (await Get<IssueStore>().GetAsync("2016-06", CancellationToken.None))!.State);

        await WebHarness.PostFormAsync(client, "/digest?period=2016-06", "/digest?period=2016-06&handler=send", new Dictionary<string, string> { ["confirm"] = "true", ["confirmCount"] = "501" });
        await web.WaitUntilSentAsync("2016-06");
        Assert.Equal(new Audience(501, 501), await Get<SubscriberStore>().AudienceAsync(CancellationToken.None));
        Assert.False(new Audience(501 + 100, 501).Grew(20, 500)); // the next issue, a little bigger, sends without asking
    }

    [Fact]
    public async Task TheCommandLine_PrintsThePreview_WhenDryRun()
    {
        var data = Path.Combine(Path.GetTempPath(), $"bm-cli-{Guid.NewGuid():N}");
        var file = Path.Combine(Path.GetTempPath(), $"bm-list-{Guid.NewGuid():N}.csv");
        try
        {
            Assert.Equal(0, (await CliProcess.RunAsync(data, null, "subscribers", "add", "old@example.org", "--name", "旧名")).Exit);
            await File.WriteAllBytesAsync(file, TextDecoder.Gb18030.GetBytes("邮件地址,名称\r\nnew@example.org,\"新\r\n人\"\r\nold@example.org,新名\r\nbad,坏\r\n"));

            var (exit, stdout, _) = await CliProcess.RunAsync(data, null, "subscribers", "import", file, "--dry-run");

            Assert.Equal(0, exit);
            ContainsAll(stdout, "(gb18030): 3 rows", "  new: 1\n", "  changed name: 1\n", "  invalid: 1\n",
                "line 4: old@example.org name 旧名 -> 新名", "line 5: 'bad': not an e-mail address", "dry run: nothing was changed");
            var listed = await CliProcess.RunAsync(data, null, "subscribers", "list");
            Assert.DoesNotContain("new@example.org", listed.Stdout, StringComparison.Ordinal);

            var applied = await CliProcess.RunAsync(data, null, "subscribers", "import", file);
            Assert.Equal(0, applied.Exit);
            Assert.Contains("1 added, 0 reactivated, 1 renamed, 0 already there, 0 kept unsubscribed, 1 skipped", applied.Stderr, StringComparison.Ordinal);
            Assert.Contains("old@example.org\t新名\tactive", (await CliProcess.RunAsync(data, null, "subscribers", "list")).Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}

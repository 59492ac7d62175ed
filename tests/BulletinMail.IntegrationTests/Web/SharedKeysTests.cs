using System.Net;
using System.Xml.Linq;
using BulletinMail.Data;
using BulletinMail.Features.Review;
using BulletinMail.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BulletinMail.IntegrationTests.Web;

/// <summary>
/// Data Protection's keys in the database (issue 14): two workers on one database accept each
/// other's forms and sign-ins, and the keys an earlier version kept in <c>data/keys</c> still open
/// what they protected. On PostgreSQL the two workers have data folders of their own, as on two
/// machines; on SQLite (one machine) they share the folder the database is in.
/// </summary>
public sealed class SharedKeysTests
{
    [Fact]
    public async Task AFormAndASignInFromWorkerA_AreAcceptedByWorkerB()
    {
        await using var a = await WebHarness.StartAsync();
        await using var b = await a.StartAnotherWorkerAsync();
        await a.ImportBulletinAsync();
        var entries = a.Services.GetRequiredService<EntryStore>();
        var entry = (await entries.ListAsync("2016-06", null, CancellationToken.None))[0];

        // One browser: signed in on A, the form rendered by A, posted to B with A's cookies (the
        // cookies are the host's, 127.0.0.1, whichever port serves the request).
        using var browser = await a.SignedInAsync();
        var token = await WebHarness.TokenAsync(browser, "/queue?period=2016-06");
        var posted = await browser.PostAsync(new Uri(b.BaseAddress, "/queue?handler=approve"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["id"] = $"{entry.Id}",
            ["__RequestVerificationToken"] = token,
        }));

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode); // not 400 (the token) nor to /login (the cookie)
        Assert.StartsWith("/queue", posted.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(EntryStore.Approved, (await entries.GetAsync(entry.Id, CancellationToken.None))!.Status);

        var page = await browser.GetAsync(new Uri(b.BaseAddress, "/queue?period=2016-06"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode); // anonymous, it would be sent to /login
        Assert.Contains($"<span class=\"user\">{WebHarness.EditorName}</span>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(a.Log.Lines.Concat(b.Log.Lines), line => line.Contains("DataProtection", StringComparison.Ordinal)); // e.g. a key ring unreadable at start
    }

    [Fact]
    public async Task TheTable_KeepsTheElementsStored()
    {
        await using var storage = await Storage.StartAsync();
        var table = storage.Table();
        Assert.Empty(table.GetAllElements());

        table.StoreElement(new XElement("key", new XAttribute("id", "1"), "first"), "key-1");
        table.StoreElement(new XElement("revocation", new XElement("reason", "leaked")), "revocation-2");

        var read = storage.Table().GetAllElements();
        Assert.Equal(["<key id=\"1\">first</key>", "<revocation><reason>leaked</reason></revocation>"], read.Select(e => e.ToString(SaveOptions.DisableFormatting)));
    }

    [Fact]
    public async Task WhatKeysInTheFolderOfAnEarlierVersionProtected_StaysReadable()
    {
        await using var storage = await Storage.StartAsync();
        var keys = Path.Combine(storage.DataDirectory, "keys");
        var earlier = DataProtectionProvider.Create(new DirectoryInfo(keys), builder => builder.SetApplicationName("BulletinMail")).CreateProtector("sign-in");
        var cookie = earlier.Protect("ed is signed in");

        await using (var upgraded = storage.DataProtection())
        {
            Assert.Equal("ed is signed in", upgraded.GetRequiredService<IDataProtectionProvider>().CreateProtector("sign-in").Unprotect(cookie));
        }

        // Copied once: the table keeps them when the folder is gone.
        Directory.Delete(keys, recursive: true);
        await using var later = storage.DataProtection();
        Assert.Equal("ed is signed in", later.GetRequiredService<IDataProtectionProvider>().CreateProtector("sign-in").Unprotect(cookie));
        Assert.Single(storage.Table().GetAllElements());
    }

    /// <summary>A migrated database of the test run's provider and its data folder, without a web host.</summary>
    private sealed class Storage(DbConnectionFactory connections, string dataDirectory) : IAsyncDisposable
    {
        public string DataDirectory => dataDirectory;

        public static async Task<Storage> StartAsync()
        {
            var data = Path.Combine(Path.GetTempPath(), $"bm-keys-{Guid.NewGuid():N}");
            var settings = await Servers.TestStorage.SettingsAsync();
            var options = Options.Create(new StorageOptions
            {
                Provider = settings.GetValueOrDefault("Storage:Provider") ?? "sqlite",
                ConnectionString = settings.GetValueOrDefault("Storage:ConnectionString"),
            });
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataDirectory"] = data }).Build();
            var connections = new DbConnectionFactory(options, configuration);
            await new MigrationRunner(connections, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<MigrationRunner>.Instance).MigrateAsync(CancellationToken.None);
            return new Storage(connections, data);
        }

        public DataProtectionKeyTable Table() => new DataProtectionKeyTable(connections, Microsoft.Extensions.Logging.Abstractions.NullLogger<DataProtectionKeyTable>.Instance);

        /// <summary>Data Protection as the web app configures it, over this database.</summary>
        public ServiceProvider DataProtection()
        {
            var services = new ServiceCollection().AddLogging().AddSingleton(connections);
            WebApp.AddDataProtection(services);
            return services.BuildServiceProvider();
        }

        public ValueTask DisposeAsync()
        {
            connections.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
            return ValueTask.CompletedTask;
        }
    }
}

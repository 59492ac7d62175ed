namespace BulletinMail.IntegrationTests;

/// <summary>Tests that load the machine enough to slow their neighbours into timeouts run in this collection, after the others, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}

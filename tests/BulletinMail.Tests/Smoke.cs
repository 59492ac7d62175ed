namespace BulletinMail.Tests; public sealed class Smoke { [Xunit.Fact] public void Works() { } }

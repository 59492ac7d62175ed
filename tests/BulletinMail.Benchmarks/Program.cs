using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(BulletinMail.Benchmarks.ParserBenchmarks).Assembly).Run(args);

using BulletinMail.Cli;

return await CliApp.RunAsync(args);

; Warranty Desk for Windows as an Inno Setup installer, for shops that prefer one to the MSI
; (warranty-desk.wxs). Not built on the project's Linux machines (Inno Setup runs on Windows):
; on a Windows build machine, after building the bundle there with PyInstaller
; (`pyinstaller --noconfirm packaging\warranty-desk.spec`), run
;   iscc /DAppVersion=0.1.0 packaging\windows\warranty-desk.iss
; which writes dist\warranty-desk-0.1.0-setup.exe. Like the MSI it installs per user, without
; administrator rights, and registers the nightly sync as that user (packaging/README.md).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
; The same product as the MSI's UpgradeCode names, so Apps & features shows one Warranty Desk.
AppId={{6F0B3C55-7A43-4B1E-9C61-2D7E5A0C9B21}
AppName=Warranty Desk
AppVersion={#AppVersion}
AppPublisher=Warranty Desk
DefaultDirName={localappdata}\Programs\Warranty Desk
DefaultGroupName=Warranty Desk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=warranty-desk-{#AppVersion}-setup
SetupIconFile=..\icons\warranty-desk.ico
UninstallDisplayIcon={app}\warranty-desk-app.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "Put Warranty Desk on the desktop"
Name: "nightlysync"; Description: "Send the day's records to head office every night at 02:00"

[Files]
; The whole one-folder bundle, as PyInstaller built it on Windows.
Source: "..\..\dist\warranty-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "warranty-desk-sync.xml"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{group}\Warranty Desk"; Filename: "{app}\warranty-desk-app.exe"; WorkingDir: "{app}"; Comment: "Warranties and claims at the shop counter"
Name: "{userdesktop}\Warranty Desk"; Filename: "{app}\warranty-desk-app.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
; The task file names warranty-desk.exe alone: registered from here it gets the full path.
Filename: "powershell.exe"; Parameters: "-NoProfile -NonInteractive -ExecutionPolicy Bypass -Command ""$x = (Get-Content -Raw -LiteralPath '{app}\warranty-desk-sync.xml').Replace('<Command>warranty-desk.exe</Command>', '<Command>{app}\warranty-desk.exe</Command>'); Register-ScheduledTask -TaskName 'Warranty Desk nightly sync' -Xml $x -Force"""; Flags: runhidden; Tasks: nightlysync; StatusMsg: "Registering the nightly sync..."
Filename: "{app}\warranty-desk-app.exe"; Description: "Start Warranty Desk"; Flags: nowait postinstall skipifsilent

[UninstallRun]
Filename: "schtasks.exe"; Parameters: "/Delete /TN ""Warranty Desk nightly sync"" /F"; Flags: runhidden; RunOnceId: "RemoveNightlySync"

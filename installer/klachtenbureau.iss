; Inno Setup 6 script: a per-machine setup program for the one-folder bundle.
;
; On a Windows build PC, from the repository root:
;   py -m venv .venv && .venv\Scripts\pip install -e ".[bundle]"
;   .venv\Scripts\pyinstaller --noconfirm build_installer.spec
;   dist\Klachtenbureau\klachtenbureau-admin.exe --self-test
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\klachtenbureau.iss
; Result: dist\Klachtenbureau-<version>-setup.exe
;
; The version is read from Klachtenbureau.exe (build_installer.spec writes it from
; klachtenbureau.__version__), so there is one place to change it. The installer
; never touches the users' settings, drafts and logs (in their own profile) or the
; shared database: uninstalling removes the program only.

#define AppName "Klachtenbureau"
#define AppExe "Klachtenbureau.exe"
#define AdminExe "klachtenbureau-admin.exe"
#define Bundle AddBackslash(SourcePath) + "..\dist\Klachtenbureau"
#ifndef AppVersion
  #define AppVersion GetVersionNumbersString(Bundle + "\" + AppExe)
#endif

[Setup]
; The AppId identifies the program for upgrades and uninstalling: never change it.
AppId={{BB4D05AD-7171-46F1-BDB9-F0B377309572}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
; Per machine: installed once in Program Files for everyone who uses this PC.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
SetupIconFile=..\resources\icons\klachtenbureau.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; An update while the desk is open: ask to close it (the intake's drafts survive that).
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "dutch"; MessagesFile: "compiler:Languages\Dutch.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
dutch.AdminPrompt=Klachtenbureau – beheeropdrachten
english.AdminPrompt=Klachtenbureau – admin commands

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An update replaces the whole folder, so no file of an older version lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autoprograms}\{cm:AdminPrompt}"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#AdminExe}"" --help"; WorkingDir: "{app}"; IconFilename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

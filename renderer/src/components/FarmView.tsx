import { useId, useState, type FormEvent } from 'react';
import type { FarmConnection, FarmServer, FarmStatus } from '../../../electron/shared/farm';
import { remedyOf } from '../../../electron/shared/i18n';
import type { Session } from '../../../electron/shared/plan';
import { localeOf } from '../../../electron/shared/time-text';
import { type Language, type ShownMessage, useI18n } from '../i18n';
import { farmStepTitle, isQuietFarm, serversToAdd } from '../logic/farm';
import { useUpgrade } from '../store/react';

/** A moment as the admin reads dates and times in the window's language: "27/11/26, 21:04". */
function formatMoment(iso: string, language: Language): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(localeOf(language), {
    dateStyle: 'short',
    timeStyle: 'short',
    hour12: false,
  }).format(date);
}

function Moment({ iso }: { iso: string | null }) {
  const { language } = useI18n();
  if (iso === null) return <Nothing />;
  return <time dateTime={iso}>{formatMoment(iso, language)}</time>;
}

/** An empty cell: a dash to the eye, a word to a screen reader. */
function Nothing({ text }: { text?: string }) {
  const { t } = useI18n();
  if (text !== undefined) return <span className="muted">{text}</span>;
  return (
    <span className="muted">
      <span aria-hidden="true">—</span>
      <span className="visually-hidden">{t('ui.farm.none')}</span>
    </span>
  );
}

/** Versions exactly as the CRM writes them (7.8.5.13100517_x64): the admin compares them with "Informazioni su". */
function Version({ version, missing }: { version: string | null; missing: string }) {
  return version === null ? <Nothing text={missing} /> : <span className="mono">{version}</span>;
}

function StepCell({ server, connections }: { server: FarmServer; connections: FarmConnection[] }) {
  const { t, tm } = useI18n();
  if (server.step === null) {
    return <Nothing text={server.runState === null ? undefined : t('ui.farm.step.none')} />;
  }
  const title = farmStepTitle(server.step, connections);
  return (
    <>
      {title ? tm(title) : <span className="mono">{server.step.id}</span>}{' '}
      <span className={`tag farm-step farm-step--${server.step.status}`}>
        {/* "Attende te" is said to the admin at this server; another one waits for whoever stands there. */}
        {server.step.status === 'waiting' && !server.isThis
          ? t('ui.farm.run.waiting')
          : t(`ui.status.${server.step.status}`)}
      </span>
    </>
  );
}

function ServerRow({ server, connections }: { server: FarmServer; connections: FarmConnection[] }) {
  const { t } = useI18n();
  // How the farm knows of the others (the ledger, the SQL sessions...); "this server" is marked apart.
  const sources = server.sources.filter((s) => s !== 'this');
  return (
    <tr
      data-testid="farm-server"
      data-hostname={server.hostname}
      data-this={server.isThis}
      data-lockout={server.lockout}
      data-must-roll-back={server.mustRollBack}
      className={server.isThis ? 'farm-table__this' : undefined}
    >
      <th scope="row">
        <span className="farm-table__host">{server.hostname}</span>
        {server.isThis && (
          <span className="tag farm-tag--this" data-testid="farm-this-server">
            {t('ui.farm.thisServer')}
          </span>
        )}
        {server.mustRollBack && (
          <span className="badge badge--rollback" data-testid="farm-must-roll-back">
            {t('ui.farm.mustRollBack')}
          </span>
        )}
        {sources.length > 0 && (
          <span className="farm-table__sources">
            {t('ui.farm.knownFrom', { sources: sources.map((s) => t(`ui.farm.source.${s}`)).join(', ') })}
          </span>
        )}
      </th>
      <td data-testid="farm-server-version">
        <Version version={server.codeVersion} missing={t('ui.farm.versionUnknown')} />
      </td>
      <td data-testid="farm-server-lockout" className={`farm-lockout farm-lockout--${server.lockout}`}>
        {t(`ui.farm.lockout.${server.lockout}`)}
      </td>
      <td data-testid="farm-server-pools">{t(`ui.farm.pools.${server.pools}`)}</td>
      <td data-testid="farm-server-run">
        {server.runState === null ? t('ui.farm.run.none') : t(`ui.farm.run.${server.runState}`)}
      </td>
      <td data-testid="farm-server-step">
        <StepCell server={server} connections={connections} />
      </td>
      <td data-testid="farm-server-updated">
        <Moment iso={server.updatedAt} />
      </td>
    </tr>
  );
}

function ServersTable({ farm }: { farm: FarmStatus }) {
  const { t } = useI18n();
  return (
    <table className="farm-table" data-testid="farm-servers">
      <caption>{t('ui.farm.servers.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('ui.farm.servers.server')}</th>
          <th scope="col">{t('ui.farm.servers.version')}</th>
          <th scope="col">{t('ui.farm.servers.lockout')}</th>
          <th scope="col">{t('ui.farm.servers.pools')}</th>
          <th scope="col">{t('ui.farm.servers.run')}</th>
          <th scope="col">{t('ui.farm.servers.step')}</th>
          <th scope="col">{t('ui.farm.servers.updated')}</th>
        </tr>
      </thead>
      <tbody>
        {farm.servers.map((server) => (
          <ServerRow key={server.hostname} server={server} connections={farm.connections} />
        ))}
      </tbody>
    </table>
  );
}

function ConnectionsTable({ farm }: { farm: FarmStatus }) {
  const { t } = useI18n();
  const notYet = t('ui.farm.notYet');
  return (
    <table className="farm-table" data-testid="farm-connections">
      <caption>{t('ui.farm.connections.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('ui.farm.connections.connection')}</th>
          <th scope="col">{t('ui.farm.connections.database')}</th>
          <th scope="col">{t('ui.farm.connections.version')}</th>
          <th scope="col">{t('ui.farm.connections.backedUpBy')}</th>
          <th scope="col">{t('ui.farm.connections.updatedBy')}</th>
          <th scope="col">{t('ui.farm.connections.restoredBy')}</th>
        </tr>
      </thead>
      <tbody>
        {farm.connections.map((c) => (
          <tr key={c.connection} data-testid="farm-connection" data-connection={c.connection}>
            <th scope="row">{c.connection}</th>
            <td className="mono">{c.database}</td>
            <td data-testid="farm-connection-version">
              <Version version={c.version} missing={t('ui.farm.versionUnread')} />
              {c.seenAt !== null && (
                <span className="farm-table__seen">
                  {' '}
                  (<Moment iso={c.seenAt} />)
                </span>
              )}
            </td>
            <td data-testid="farm-connection-backed-up-by">{c.backedUpBy ?? <Nothing text={notYet} />}</td>
            <td data-testid="farm-connection-updated-by">{c.updatedBy ?? <Nothing text={notYet} />}</td>
            <td data-testid="farm-connection-restored-by">{c.restoredBy ?? <Nothing />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The next thing to do and where, or that the farm is done: announced when it changes. */
function NextStep({ farm, expanded }: { farm: FarmStatus; expanded: boolean }) {
  const { t, tm } = useI18n();
  const here = farm.servers.find((s) => s.isThis)?.hostname;
  const server = farm.next.server;
  const step = tm(farm.next.message);
  let text: string;
  if (server === null) text = t('ui.farm.next.anywhere', { step });
  else if (server === here) text = t('ui.farm.next.onThisServer', { server, step });
  else text = t('ui.farm.next.onServer', { server, step });
  return (
    // Always in the page, so that a change of its text is announced; empty while collapsed.
    <div className="farm__next-region" aria-live="polite" aria-atomic="true" data-testid="farm-next-region">
      {expanded &&
        (farm.complete ? (
          <p className="farm__complete" data-testid="farm-complete">
            <strong>{t('ui.farm.complete.title')}</strong>{' '}
            {t('ui.farm.complete.body', { kit: farm.kitVersion })}
          </p>
        ) : (
          <p className="farm__next" data-testid="farm-next" data-server={server ?? undefined}>
            {text}
          </p>
        ))}
    </div>
  );
}

function RollbackBanner({ farm }: { farm: FarmStatus }) {
  const { t } = useI18n();
  const left = farm.servers.filter((s) => s.mustRollBack).map((s) => s.hostname);
  return (
    <div className="farm__rollback" data-testid="farm-rollback" role="note">
      <strong className="farm__rollback-title">{t('ui.farm.rollback.title')}</strong>{' '}
      {farm.fromVersion === null
        ? t('ui.farm.rollback.body')
        : t('ui.farm.rollback.bodyTo', { version: farm.fromVersion })}{' '}
      {left.length > 0 && t('ui.farm.rollback.left', { servers: left.join(', ') })}
    </div>
  );
}

function Problems({ problems }: { problems: FarmStatus['problems'] }) {
  const { t, tm } = useI18n();
  if (problems.length === 0) return null;
  return (
    <div className="farm__problems" data-testid="farm-problems">
      <h3 className="farm__subtitle">{t('ui.farm.problems')}</h3>
      <ul>
        {problems.map((problem, i) => {
          const remedy = remedyOf(problem);
          return (
            <li key={`${problem.key}-${i}`} data-testid="farm-problem" data-problem-key={problem.key}>
              {tm(problem)}
              {remedy && (
                <span className="farm__remedy">
                  {' '}
                  <span className="callout__label">{t('ui.step.remedy')}: </span>
                  {tm(remedy)}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** What the form to complete the list shows: the props alone decide, so both languages can be checked. */
export function FarmAddForm({
  problem,
  pending,
  working,
  onSubmit,
}: {
  problem: ShownMessage | null;
  pending: boolean;
  working: boolean;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
}) {
  const { t, tm } = useI18n();
  const id = useId();
  return (
    <form className="farm-add" data-testid="farm-add-form" onSubmit={onSubmit} noValidate>
      <label htmlFor={`${id}-names`} className="skip-form__label">
        {t('ui.farm.add.label')}
      </label>
      <p className="farm-add__hint" id={`${id}-hint`}>
        {t('ui.farm.add.hint')}
      </p>
      <div className="button-row">
        <input
          id={`${id}-names`}
          name="servers"
          className="skip-form__input farm-add__input"
          data-testid="farm-add-input"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={problem !== null}
          aria-describedby={problem ? `${id}-hint ${id}-error` : `${id}-hint`}
        />
        <button type="submit" className="btn btn--secondary" data-testid="farm-add-submit" disabled={pending}>
          {working ? t('ui.action.working') : t('ui.farm.add.submit')}
        </button>
      </div>
      <div className="skip-form__error" id={`${id}-error`} aria-live="polite">
        {problem && <span data-testid="farm-add-error">{tm(problem)}</span>}
      </div>
    </form>
  );
}

/**
 * The admin confirms or completes the farm's servers: the names typed, checked here as Windows
 * computer names, are sent with the servers already known (setFarmServers takes the whole list).
 */
export function FarmAddServers({ known }: { known: string[] }) {
  const setFarmServers = useUpgrade((s) => s.setFarmServers);
  const pending = useUpgrade((s) => s.pending);
  const working = useUpgrade((s) => s.pendingAction?.name === 'setFarmServers');
  const [problem, setProblem] = useState<ShownMessage | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const input = form.elements.namedItem('servers') as HTMLInputElement | null;
    const found = serversToAdd(input?.value ?? '', known);
    if ('problem' in found) {
      setProblem(found.problem);
      return;
    }
    setProblem(null);
    void setFarmServers(found.names).then((ok) => {
      if (ok) form.reset();
    });
  };

  return <FarmAddForm problem={problem} pending={pending} working={working} onSubmit={submit} />;
}

function Summary({ farm }: { farm: FarmStatus }) {
  const { t } = useI18n();
  const servers = farm.servers
    .map((s) => (s.isThis ? t('ui.farm.summary.this', { server: s.hostname }) : s.hostname))
    .join(', ');
  const versions =
    farm.fromVersion === null
      ? t('ui.farm.summary.kit', { kit: farm.kitVersion })
      : t('ui.farm.summary.versions', { from: farm.fromVersion, kit: farm.kitVersion });
  return (
    <p className="farm__summary" data-testid="farm-summary">
      {farm.complete && <strong className="farm__done">{t('ui.farm.complete.title')} · </strong>}
      {t('ui.farm.summary.servers', { servers: servers === '' ? '—' : servers })} · {versions}
    </p>
  );
}

/**
 * Issue 15, "what the admin sees": the farm's servers and databases, and the next thing to do on
 * which server. One line for a farm of one server with nothing to say; the whole view otherwise.
 */
export function FarmView({ session }: { session: Session }) {
  const { t, language } = useI18n();
  const farm = useUpgrade((s) => s.farm);
  const headingId = useId();
  const detailsId = useId();
  // The admin's own choice, once made; until then the farm decides.
  const [shown, setShown] = useState<boolean | null>(null);
  if (farm === null) return null;
  const expanded = shown ?? !isQuietFarm(farm);
  const canAdd = session.run.state === 'ready' || session.run.state === 'waiting';

  return (
    <section
      className={`farm${farm.rollback ? ' farm--rollback' : farm.complete ? ' farm--complete' : ''}`}
      aria-labelledby={headingId}
      data-testid="farm-view"
      data-expanded={expanded}
      data-complete={farm.complete}
      data-rollback={farm.rollback}
      data-servers={farm.servers.length}
    >
      <div className="farm__head">
        <h2 className="farm__title" id={headingId}>
          {t('ui.farm.title')}
        </h2>
        <Summary farm={farm} />
        <button
          type="button"
          className="btn btn--ghost btn--small"
          data-testid="farm-toggle"
          aria-expanded={expanded}
          aria-controls={detailsId}
          onClick={() => setShown(!expanded)}
        >
          {expanded ? t('ui.farm.hide') : canAdd ? t('ui.farm.showAdd') : t('ui.farm.show')}
        </button>
      </div>
      {farm.rollback && <RollbackBanner farm={farm} />}
      <NextStep farm={farm} expanded={expanded} />
      <div id={detailsId} className="farm__details" hidden={!expanded}>
        {expanded && (
          <>
            <ServersTable farm={farm} />
            {farm.connections.length > 0 && <ConnectionsTable farm={farm} />}
            <Problems problems={farm.problems} />
            {canAdd && <FarmAddServers known={farm.servers.map((s) => s.hostname)} />}
            <p className="farm__at muted" data-testid="farm-at">
              {t('ui.farm.at', { time: formatMoment(farm.at, language) })}
            </p>
          </>
        )}
      </div>
    </section>
  );
}

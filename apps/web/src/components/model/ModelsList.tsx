'use client';
// Registered joint-model versions and the platform's modality modules (both from the API).
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '../../lib/trpc';
import { EmptyNote, ErrorNotice, Loading, Section } from '../ui';
import { modelVersionHref } from './model-routes';
import { SyntheticBadge } from './SyntheticBadge';

export function ModelsList() {
  const trpc = useTRPC();
  const models = useQuery(trpc.models.list.queryOptions());
  const modules = useQuery(trpc.modules.list.queryOptions());
  return (
    <div className="space-y-6">
      <Section title="Model versions" id="models" count={models.data?.length}>
        {models.isPending ? (
          <Loading />
        ) : models.isError ? (
          <ErrorNotice error={models.error} what="the model versions" />
        ) : models.data.length === 0 ? (
          <EmptyNote>No model version is registered yet: `oncoboard predict --all` registers the demo model.</EmptyNote>
        ) : (
          <ul className="space-y-2 text-sm" data-testid="model-list">
            {models.data.map((v) => (
              <li key={v.id} className="flex items-center gap-3">
                <Link href={modelVersionHref(v.id)} className="font-medium text-sky-700 hover:underline">
                  {v.modelId} {v.version}
                </Link>
                {v.active ? <span className="text-xs text-emerald-700">active</span> : null}
                {v.synthetic ? <SyntheticBadge /> : null}
                {typeof v.metrics.cIndexTest === 'number' ? <span className="text-slate-600">held-out C {v.metrics.cIndexTest.toFixed(3)}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Modality modules" id="modules" count={modules.data?.length}>
        {modules.isPending ? (
          <Loading />
        ) : modules.isError ? (
          <ErrorNotice error={modules.error} what="the modality modules" />
        ) : (
          <table className="w-full text-left text-sm" data-testid="module-list">
            <thead className="text-xs text-slate-500">
              <tr>
                <th className="py-1 font-medium">Module</th>
                <th className="py-1 font-medium">Modality</th>
                <th className="py-1 font-medium">Vector</th>
                <th className="py-1 font-medium">What it encodes</th>
              </tr>
            </thead>
            <tbody>
              {modules.data.map((m) => (
                <tr key={m.id} className="border-t border-slate-100 align-top">
                  <td className="py-1 font-medium">
                    {m.id} <span className="text-xs font-normal text-slate-500">{m.version}</span>
                  </td>
                  <td className="py-1">{m.modality}</td>
                  <td className="py-1 tabular-nums">{m.vectorSize}</td>
                  <td className="py-1 text-slate-600">{m.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </div>
  );
}

import { AccessMode, AppChart, Deployment, PersistentVolume, PersistentVolumeClaim, PersistentVolumeSource, Probe, ReclaimPolicy, StorageClass, VolumeBindingMode } from '../lib';
import { expectSnapshot, find, problemsOf, render } from './support/harness';
import { policyFindings } from './support/policy';

/** The notes' mongodb-pv and mongodb-pvc (001): static binding with `storageClassName: ""`, and a pod using the claim. */
function mongodb(chart: AppChart): void {
  const pv = new PersistentVolume(chart, 'mongodb-pv', {
    source: PersistentVolumeSource.gcePersistentDisk('mongodb'),
    size: '1Gi',
    accessModes: [AccessMode.READ_WRITE_ONCE, AccessMode.READ_ONLY_MANY],
    reclaimPolicy: ReclaimPolicy.RETAIN,
  });
  const claim = PersistentVolumeClaim.forVolume(chart, 'mongodb-pvc', pv);
  new Deployment(chart, 'mongodb', {
    replicas: 1,
    containers: [{
      name: 'mongodb',
      image: 'mongo:7.0.4',
      ports: [{ number: 27017, name: 'mongodb' }],
      readiness: Probe.fromTcpSocket('mongodb'),
      mounts: [{ volume: claim.volume('data'), path: '/data/db' }],
      writablePaths: ['/tmp'],
    }],
  });
}

/** Dynamic provisioning: a StorageClass and a claim that names it. */
function dynamic(chart: AppChart): void {
  const ssd = new StorageClass(chart, 'ssd', {
    provisioner: 'pd.csi.storage.gke.io',
    parameters: { type: 'pd-ssd' },
    allowVolumeExpansion: true,
  });
  new PersistentVolumeClaim(chart, 'uploads', { size: '5Gi', storageClassName: ssd.name });
}

describe('PersistentVolume and PersistentVolumeClaim', () => {
  test('snapshot: the notes\' mongodb PV and PVC', () => expectSnapshot(mongodb));

  test('static binding: the claim writes storageClassName "" and names the volume; the volume is cluster-scoped', () => {
    const objects = render(mongodb, { environment: 'stage' });
    const pv = find(objects, 'PersistentVolume', 'stage-mongodb-pv');
    expect(pv.metadata.namespace).toBeUndefined();
    expect(pv.spec).toEqual({
      gcePersistentDisk: { pdName: 'mongodb', fsType: 'ext4' },
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce', 'ReadOnlyMany'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
    });
    const pvc = find(objects, 'PersistentVolumeClaim', 'mongodb-pvc');
    expect(pvc.metadata.namespace).toBe('stage');
    expect(pvc.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: '',
      volumeName: 'stage-mongodb-pv',
      resources: { requests: { storage: '1Gi' } },
    });
    const pod = find(objects, 'Deployment', 'mongodb').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'mongodb-pvc' } });
  });

  test('refused: Recycle, with the reason', () => {
    const problems = problemsOf((chart) => {
      new PersistentVolume(chart, 'old', { source: PersistentVolumeSource.nfs('nfs.example.com', '/exports/old'), size: '1Gi', reclaimPolicy: ReclaimPolicy.RECYCLE });
    });
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/old\] reclaimPolicy: is deprecated: Recycle only scrubs the files.*\(got "Recycle"\)\. Fix: use ReclaimPolicy\.DELETE/)]);
  });

  test('refused: a size that is not a positive quantity (volume and claim)', () => {
    const problems = problemsOf((chart) => {
      new PersistentVolume(chart, 'pv', { source: PersistentVolumeSource.csi('ebs.csi.aws.com', 'vol-1'), size: 'lots' });
      new PersistentVolumeClaim(chart, 'pvc', { size: '0Gi' });
    });
    expect(problems).toEqual([
      expect.stringMatching(/^\[dev\/test\/pv\] size: must be a positive storage quantity \(got "lots"\)\. Fix: /),
      expect.stringMatching(/^\[dev\/test\/pvc\] size: must be a positive storage quantity \(got "0Gi"\)\. Fix: /),
    ]);
  });

  test('refused: no access mode', () => {
    const problems = problemsOf((chart) => new PersistentVolumeClaim(chart, 'pvc', { size: '1Gi', accessModes: [] }));
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/pvc\] accessModes: needs at least one access mode \(got \[\]\)/)]);
  });

  test('refused: a PersistentVolumeSource that names no storage', () => {
    const problems = problemsOf((chart) => new PersistentVolume(chart, 'pv', { source: PersistentVolumeSource.of({}), size: '1Gi' }));
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/pv\] source: must name exactly one kind of storage \(got \[\]\)/)]);
  });
});

describe('StorageClass', () => {
  test('snapshot: an SSD class and a claim provisioned by it', () => expectSnapshot(dynamic));

  test('is cluster-scoped, binds at the first consumer and deletes with the claim by default', () => {
    const objects = render(dynamic);
    const sc = find(objects, 'StorageClass', 'dev-ssd');
    expect(sc.metadata.namespace).toBeUndefined();
    expect([sc.provisioner, sc.reclaimPolicy, sc.volumeBindingMode, sc.allowVolumeExpansion]).toEqual(['pd.csi.storage.gke.io', 'Delete', 'WaitForFirstConsumer', true]);
    expect(find(objects, 'PersistentVolumeClaim', 'uploads').spec.storageClassName).toBe('dev-ssd');
  });

  test('Immediate binding and Retain can be chosen', () => {
    const sc = find(render((chart) => new StorageClass(chart, 'keep', { provisioner: 'rook-ceph.rbd.csi.ceph.com', reclaimPolicy: ReclaimPolicy.RETAIN, volumeBindingMode: VolumeBindingMode.IMMEDIATE })), 'StorageClass', 'dev-keep');
    expect([sc.reclaimPolicy, sc.volumeBindingMode]).toEqual(['Retain', 'Immediate']);
  });

  test('refused: Recycle and a malformed provisioner', () => {
    const problems = problemsOf((chart) => new StorageClass(chart, 'bad', { provisioner: 'my provisioner', reclaimPolicy: ReclaimPolicy.RECYCLE }));
    expect(problems).toEqual([
      expect.stringMatching(/^\[dev\/test\/bad\] reclaimPolicy: is deprecated.*\(got "Recycle"\)/),
      expect.stringMatching(/^\[dev\/test\/bad\] provisioner: must be a provisioner name.*\(got "my provisioner"\)/),
    ]);
  });
});

test('the mongodb and dynamic examples pass the platform policy engine', () => {
  expect(policyFindings((chart) => { mongodb(chart); dynamic(chart); }, 'stage')).toEqual([]);
});
